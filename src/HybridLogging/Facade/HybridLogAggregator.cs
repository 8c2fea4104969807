using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// An explicit logging API over a <see cref="HybridLoggerProvider"/>, for code that prefers naming the source on each
/// call to holding an <see cref="ILogger"/>: levels, performance and routing entries, a registry of correlation
/// contexts by id, and the provider's run-time controls (flush, source switches, retention, statistics, shutdown).
/// </summary>
/// <remarks>
/// <para>
/// Every call goes through the provider's own logger for the category <c>source</c> (created once, then cached by the
/// provider), so it takes the same pipeline as <see cref="ILogger"/> calls: the same level rules
/// (<see cref="HybridLoggingOptions.MinimumLevel"/>, <see cref="HybridLoggingOptions.CategoryLevels"/>,
/// <see cref="HybridLoggingOptions.Sources"/>), redaction, limits, ambient <see cref="CorrelationContext"/>, scopes and
/// destinations, and the same JSON. The filter rules of Microsoft.Extensions.Logging itself (<c>Logging:LogLevel</c>)
/// do not apply, since no <see cref="ILoggerFactory"/> is involved. A source is resolved like any category: use plain
/// names (<c>Checkout</c>), since a dotted name resolves to its last segment unless a source mapping says otherwise.
/// </para>
/// <para>
/// The level is checked before anything else; a call without metadata allocates nothing on the calling thread. The
/// message is free text, never a template: braces are kept as written, and the entry has no <c>messageTemplate</c>.
/// Metadata entries become properties, as the arguments of an <see cref="ILogger"/> call with those names would
/// (well-known names such as <c>DurationMs</c> or <c>Provider</c> lift into their JSON fields). Like every logging call
/// of HybridLogging, none of these methods throws into the application.
/// </para>
/// <para>
/// <c>AddHybridLogging()</c> registers one instance as a singleton; outside dependency injection, create it over a
/// provider you own. Disposing it flushes and forgets its correlation contexts; it stops the pipeline only through
/// <see cref="ShutdownAsync"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var logs = app.Services.GetRequiredService&lt;HybridLogAggregator&gt;();
///
/// var correlationId = logs.CreateCorrelationContext(requestId: "req-42", userId: "u-7", sessionId: "s-1");
/// logs.Info("Checkout", "Order placed", new Dictionary&lt;string, object?&gt; { ["OrderId"] = 1234 }, correlationId);
/// logs.LogRouting("HybridRouter", provider: "openai-fallback", fallbackUsed: true, reason: "circuit open");
/// logs.LogPerformance("Checkout", "payment", TimeSpan.FromMilliseconds(182.5));
/// logs.Error("Checkout", "Payment failed", exception, correlationId: correlationId);
/// logs.RemoveCorrelationContext(correlationId);
///
/// logs.ConfigureLogSource("CacheLayer", enabled: false); // also silences ILogger categories of that source
/// await logs.FlushAsync();
/// </code>
/// </example>
public sealed class HybridLogAggregator : IAsyncDisposable, IDisposable
{
    /// <summary>Open correlation contexts kept by default (<see cref="MaxCorrelationContexts"/>).</summary>
    public const int DefaultMaxCorrelationContexts = 10_000;

    private static readonly EventId PerformanceEvent = new(0, HybridLoggerExtensions.PerformanceEventName);
    private static readonly EventId RoutingEvent = new(0, HybridLoggerExtensions.RoutingEventName);

    private readonly HybridLoggerProvider _provider;
    private readonly CorrelationRegistry _correlations;

    /// <summary>Creates the facade over <paramref name="provider"/>, keeping up to <see cref="DefaultMaxCorrelationContexts"/> open correlation contexts.</summary>
    /// <param name="provider">The provider whose pipeline the facade logs into.</param>
    public HybridLogAggregator(HybridLoggerProvider provider)
        : this(provider, DefaultMaxCorrelationContexts)
    {
    }

    /// <summary>Creates the facade over <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider whose pipeline the facade logs into.</param>
    /// <param name="maxCorrelationContexts">
    /// How many contexts <see cref="CreateCorrelationContext"/> keeps open at most; past it the oldest is evicted (reported
    /// on the self-log). At least 1.
    /// </param>
    public HybridLogAggregator(HybridLoggerProvider provider, int maxCorrelationContexts)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCorrelationContexts, 1);
        _provider = provider;
        _correlations = new CorrelationRegistry(maxCorrelationContexts);
    }

    /// <summary>The provider the facade logs into.</summary>
    public HybridLoggerProvider Provider => _provider;

    /// <summary>How many correlation contexts are kept open at most.</summary>
    public int MaxCorrelationContexts => _correlations.Capacity;

    /// <summary>How many correlation contexts are open now.</summary>
    public int OpenCorrelationContexts => _correlations.Count;

    internal CorrelationRegistry Correlations => _correlations;

    /// <summary>Logs <paramref name="message"/> at <see cref="LogLevel.Debug"/>.</summary>
    /// <param name="source">The source (logger category), for example <c>Checkout</c>.</param>
    /// <param name="message">The message, as free text.</param>
    /// <param name="metadata">Values written as properties, or null.</param>
    /// <param name="correlationId">
    /// A context from <see cref="CreateCorrelationContext"/>, whose ids the entry carries; an id not open (removed,
    /// evicted or from elsewhere) is written as the correlation id alone. Null: the ambient <see cref="CorrelationContext"/>, if any.
    /// </param>
    public void Debug(string source, string message, IReadOnlyDictionary<string, object?>? metadata = null, string? correlationId = null) =>
        Write(LogLevel.Debug, source, message, null, metadata, correlationId);

    /// <summary>Logs <paramref name="message"/> at <see cref="LogLevel.Information"/>.</summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="message">The message, as free text.</param>
    /// <param name="metadata">Values written as properties, or null.</param>
    /// <param name="correlationId">A context from <see cref="CreateCorrelationContext"/> (see <see cref="Debug"/>), or null.</param>
    public void Info(string source, string message, IReadOnlyDictionary<string, object?>? metadata = null, string? correlationId = null) =>
        Write(LogLevel.Information, source, message, null, metadata, correlationId);

    /// <summary>Logs <paramref name="message"/> at <see cref="LogLevel.Warning"/>.</summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="message">The message, as free text.</param>
    /// <param name="metadata">Values written as properties, or null.</param>
    /// <param name="correlationId">A context from <see cref="CreateCorrelationContext"/> (see <see cref="Debug"/>), or null.</param>
    public void Warn(string source, string message, IReadOnlyDictionary<string, object?>? metadata = null, string? correlationId = null) =>
        Write(LogLevel.Warning, source, message, null, metadata, correlationId);

    /// <summary>Logs <paramref name="message"/> at <see cref="LogLevel.Error"/>, with the exception's details under <c>error</c>.</summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="message">The message, as free text.</param>
    /// <param name="exception">The exception, or null.</param>
    /// <param name="metadata">Values written as properties, or null.</param>
    /// <param name="correlationId">A context from <see cref="CreateCorrelationContext"/> (see <see cref="Debug"/>), or null.</param>
    public void Error(string source, string message, Exception? exception = null, IReadOnlyDictionary<string, object?>? metadata = null, string? correlationId = null) =>
        Write(LogLevel.Error, source, message, exception, metadata, correlationId);

    /// <summary>Logs <paramref name="message"/> at <see cref="LogLevel.Critical"/>, with the exception's details under <c>error</c>.</summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="message">The message, as free text.</param>
    /// <param name="exception">The exception, or null.</param>
    /// <param name="metadata">Values written as properties, or null.</param>
    /// <param name="correlationId">A context from <see cref="CreateCorrelationContext"/> (see <see cref="Debug"/>), or null.</param>
    public void Critical(string source, string message, Exception? exception = null, IReadOnlyDictionary<string, object?>? metadata = null, string? correlationId = null) =>
        Write(LogLevel.Critical, source, message, exception, metadata, correlationId);

    /// <summary>
    /// Logs that <paramref name="operationType"/> took <paramref name="duration"/>: the entry
    /// <see cref="HybridLoggerExtensions.LogPerformance"/> writes (message <c>"{OperationType} completed in {DurationMs} ms"</c>,
    /// fields <c>operationType</c> and <c>duration</c> in milliseconds, event name <c>Performance</c>, level Information),
    /// plus the metadata as properties.
    /// </summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="operationType">What was timed.</param>
    /// <param name="duration">How long it took.</param>
    /// <param name="metadata">Values written as properties (a key naming one of the template's values is ignored), or null.</param>
    public void LogPerformance(string source, string operationType, TimeSpan duration, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        try
        {
            var logger = LoggerFor(source);
            if (metadata is null or { Count: 0 })
            {
                logger.LogPerformance(operationType ?? string.Empty, duration);
                return;
            }

            if (logger.IsEnabled(LogLevel.Information))
            {
                var state = FacadeProperties.Performance(operationType ?? string.Empty, HybridLoggerExtensions.DurationMs(duration), metadata);
                logger.Log(LogLevel.Information, PerformanceEvent, state, null, FacadeProperties.Format);
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    /// <summary>
    /// Logs a routing decision: the entry <see cref="HybridLoggerExtensions.LogRouting"/> writes (fields
    /// <c>routing.provider</c> and <c>routing.reason</c>, the boolean property <c>FallbackUsed</c>, event name
    /// <c>Routing</c>; Information, or Warning when the fallback was used), plus the metadata as properties.
    /// </summary>
    /// <param name="source">The source (logger category).</param>
    /// <param name="provider">The provider the request went to.</param>
    /// <param name="fallbackUsed">Whether that provider is the fallback.</param>
    /// <param name="reason">Why this route was chosen.</param>
    /// <param name="metadata">Values written as properties (a key naming one of the template's values is ignored), or null.</param>
    public void LogRouting(string source, string provider, bool fallbackUsed, string reason, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        try
        {
            var logger = LoggerFor(source);
            if (metadata is null or { Count: 0 })
            {
                logger.LogRouting(provider ?? string.Empty, fallbackUsed, reason ?? string.Empty);
                return;
            }

            var level = HybridLoggerExtensions.RoutingLevel(fallbackUsed);
            if (logger.IsEnabled(level))
            {
                var state = FacadeProperties.Routing(provider ?? string.Empty, fallbackUsed, reason ?? string.Empty, metadata);
                logger.Log(level, RoutingEvent, state, null, FacadeProperties.Format);
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    /// <summary>
    /// Opens a correlation context and returns its new correlation id (32 hex digits). Entries logged with
    /// <c>correlationId:</c> set to it carry its ids (<c>correlationId</c>, <c>requestId</c>, <c>userId</c>,
    /// <c>sessionId</c>) until <see cref="RemoveCorrelationContext"/>. At most <see cref="MaxCorrelationContexts"/> stay
    /// open: past it the oldest is evicted. For code that can scope its work, <see cref="CorrelationContext.Begin"/>
    /// (ambient, flowing across <c>await</c>) needs no registry.
    /// </summary>
    /// <param name="requestId">The request id, or null.</param>
    /// <param name="userId">The user id, or null.</param>
    /// <param name="sessionId">The session id, or null.</param>
    public string CreateCorrelationContext(string? requestId = null, string? userId = null, string? sessionId = null) =>
        _correlations.Create(requestId, userId, sessionId).CorrelationId;

    /// <summary>Closes the correlation context <paramref name="correlationId"/>; false when it is not open.</summary>
    /// <param name="correlationId">An id from <see cref="CreateCorrelationContext"/>.</param>
    public bool RemoveCorrelationContext(string correlationId) =>
        correlationId is not null && _correlations.Remove(correlationId);

    /// <summary>
    /// Completes when every entry logged before the call has been written (or counted as dropped or failed) by every
    /// destination (<see cref="HybridLoggerProvider.FlushAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the entries are still written).</param>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _provider.FlushAsync(cancellationToken);

    /// <summary>
    /// Switches <paramref name="source"/> on or off at run time, for this facade and for every <see cref="ILogger"/>
    /// category of that source, existing loggers included (<see cref="HybridLoggerProvider.SetSourceEnabled"/>). The
    /// switch outlives configuration reloads; <see cref="HybridLoggerProvider.ClearSourceOverride"/> returns the source
    /// to its configured settings.
    /// </summary>
    /// <param name="source">The source, as passed to the logging methods (resolved like a category).</param>
    /// <param name="enabled">Whether it logs.</param>
    public void ConfigureLogSource(string source, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(source);
        _provider.SetSourceEnabled(_provider.ResolveSource(source), enabled);
    }

    /// <summary>
    /// Applies a retention of <paramref name="days"/> days to every destination that supports one (rolled files by age,
    /// CloudWatch Logs groups) and returns how many applied it (<see cref="HybridLoggerProvider.UpdateRetentionPolicyAsync"/>).
    /// </summary>
    /// <param name="days">Days to keep, at least 1.</param>
    /// <param name="cancellationToken">Cancels the sinks' work.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is less than 1.</exception>
    /// <exception cref="AggregateException">A sink refused the value (the others were still asked).</exception>
    public Task<int> UpdateRetentionPolicyAsync(int days, CancellationToken cancellationToken = default) =>
        _provider.UpdateRetentionPolicyAsync(days, cancellationToken);

    /// <summary>The provider's counters (<see cref="HybridLoggerProvider.GetStats"/>).</summary>
    public HybridLoggingStats GetStats() => _provider.GetStats();

    /// <summary>
    /// Drains and stops the provider's pipeline (within <see cref="HybridLoggingOptions.ShutdownTimeout"/>) and closes
    /// every correlation context. Entries logged afterwards, through the facade or <see cref="ILogger"/>, are counted
    /// as dropped. Use it where the facade's owner also owns the provider; a host stops it by itself.
    /// </summary>
    public async Task ShutdownAsync()
    {
        _correlations.Clear();
        await _provider.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Flushes what was logged (bounded by <see cref="HybridLoggingOptions.ShutdownTimeout"/>) and closes every
    /// correlation context. The provider keeps running (see <see cref="ShutdownAsync"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _correlations.Clear();
        try
        {
            await _provider.FlushAsync().WaitAsync(_provider.Options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A provider already stopped, or destinations slower than the timeout: nothing to wait for here.
            SelfLog.Report($"The log facade's flush at disposal did not complete: {ex.GetType().Name}", "facade-dispose-flush");
        }
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, blocking (at most <see cref="HybridLoggingOptions.ShutdownTimeout"/>); a container
    /// disposed synchronously calls it.
    /// </summary>
    public void Dispose() => Task.Run(async () => await DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();

    private static void Failed(Exception ex) =>
        SelfLog.Report($"Log facade call failed: {ex.GetType().Name}: {ex.Message}", "facade-call-failed");

    private ILogger LoggerFor(string source) => _provider.CreateLogger(source ?? string.Empty);

    private void Write(LogLevel level, string source, string message, Exception? exception, IReadOnlyDictionary<string, object?>? metadata, string? correlationId)
    {
        try
        {
            var logger = LoggerFor(source);
            if (!logger.IsEnabled(level))
            {
                return;
            }

            string? requestId = null, userId = null, sessionId = null;
            if (correlationId is not null && _correlations.Find(correlationId) is { } open)
            {
                requestId = open.RequestId;
                userId = open.UserId;
                sessionId = open.SessionId;
            }

            message ??= string.Empty;
            if (metadata is null or { Count: 0 })
            {
                logger.Log(level, default, new FacadeMessage(message, correlationId, requestId, userId, sessionId), exception, FacadeMessage.Format);
            }
            else
            {
                var state = FacadeProperties.Text(message, correlationId, requestId, userId, sessionId, metadata);
                logger.Log(level, default, state, exception, FacadeProperties.Format);
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }
}
