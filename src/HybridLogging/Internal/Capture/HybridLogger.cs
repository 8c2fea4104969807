using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// The per-category logger. The hot path is a level check against a cached per-category field, then a capture of
/// the raw state into a pooled holder and a lock-free enqueue. Nothing is rendered on the app thread; nothing throws.
/// </summary>
internal sealed class HybridLogger(HybridLoggerProvider provider, CategoryState state) : ILogger
{
    private volatile CategoryState _state = state;

    // Copy of _state.MinimumLevel so a disabled call is one field read (not a load of _state, then of its field).
    private volatile int _minimumLevel = state.MinimumLevel;

    public CategoryState State
    {
        get => _state;
        set
        {
            _state = value;
            _minimumLevel = value.MinimumLevel;
        }
    }

    public bool IsEnabled(LogLevel logLevel) =>
        (int)logLevel >= _minimumLevel && logLevel != LogLevel.None && !SuppressionScope.IsActive;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.ScopeProvider?.Push(state);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if ((int)logLevel < _minimumLevel || logLevel == LogLevel.None || SuppressionScope.IsActive)
        {
            return;
        }

        var category = _state;
        try
        {
            var entry = Capture(category, logLevel, eventId, state, exception, formatter, provider.Pipeline.Settings.Limits);
            var scopes = provider.ScopeProvider;
            if (scopes is not null && provider.IncludeScopes)
            {
                scopes.ForEachScope(static (scope, pending) => pending.AddScope(scope), (PendingEntry)entry);
            }

            provider.Pipeline.Enqueue(entry);
        }
        catch (Exception ex)
        {
            // Logging never throws into app code.
            SelfLog.Report($"Log call failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// What a call leaves in its pooled holder before the queue: the state (its mutable arguments snapshotted), the
    /// exception's details, the time, the ambient correlation context and the current W3C activity's ids. Scopes are
    /// the caller's to add. The benchmarks that time the work after the queue capture through here too.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static PendingEntry<TState> Capture<TState>(
        CategoryState category, LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter, in ValueSnapshot.Limits limits)
    {
        var entry = PendingEntry<TState>.Rent(state, formatter);
        entry.TimestampTicks = DateTime.UtcNow.Ticks;
        entry.Level = logLevel;
        entry.EventId = eventId;
        entry.Exception = exception;
        entry.Error = exception is null ? null : ErrorCapture.Snapshot(exception);
        entry.Category = category;
        entry.Correlation = CorrelationContext.Current;
        if (PendingEntry<TState>.Kind != CaptureKind.Immutable)
        {
            ArgumentCapture.Capture(entry, limits);
        }

        var activity = Activity.Current;
        if (activity is not null && activity.IdFormat == ActivityIdFormat.W3C)
        {
            entry.HasActivity = true;
            entry.TraceId = activity.TraceId;
            entry.SpanId = activity.SpanId;
        }
        else
        {
            entry.HasActivity = false;
        }

        return entry;
    }
}
