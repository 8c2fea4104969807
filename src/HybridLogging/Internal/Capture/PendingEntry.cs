using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// What a log call captures on the app thread: the raw state, never rendered there. Rendering and property
/// extraction happen on the dispatcher thread. Instances are pooled per state type so an enabled call does not
/// allocate in steady state.
/// </summary>
internal abstract class PendingEntry
{
    // Allocated on the first scope only: most calls carry none, and a pool miss then costs one object, not two.
    private object?[] _scopes = [];

    public long TimestampTicks;
    public LogLevel Level;
    public EventId EventId;
    public Exception? Exception;
    public CategoryState Category = null!;
    public CorrelationContext? Correlation;
    public ActivityTraceId TraceId;
    public ActivitySpanId SpanId;
    public bool HasActivity;
    public int ScopeCount;

    /// <summary>Set for entries written directly as <see cref="LogEntry"/> (not through ILogger).</summary>
    public LogEntry? Ready;

    public ReadOnlySpan<object?> Scopes => _scopes.AsSpan(0, ScopeCount);

    /// <summary>Writes the W3C trace id (32) and span id (16) as lowercase hex, as ToHexString does; false when none.</summary>
    public bool TryFormatTraceIds(Span<char> traceId, Span<char> spanId)
    {
        if (!HasActivity)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[16];
        TraceId.CopyTo(raw);
        Convert.TryToHexStringLower(raw, traceId, out _);
        SpanId.CopyTo(raw[..8]);
        Convert.TryToHexStringLower(raw[..8], spanId, out _);
        return true;
    }

    public void AddScope(object? scope)
    {
        if (ScopeCount == _scopes.Length)
        {
            if (ScopeCount >= 64)
            {
                return; // bounded: pathological scope nesting keeps the outermost 64
            }

            Array.Resize(ref _scopes, Math.Max(4, _scopes.Length * 2));
        }

        _scopes[ScopeCount++] = scope;
    }

    /// <summary>Renders the message (on the dispatcher thread); never throws.</summary>
    public abstract string RenderMessage();

    /// <summary>Returns the structured state values, or null when the state is not key/value shaped.</summary>
    public abstract IEnumerable<KeyValuePair<string, object?>>? GetStateValues();

    /// <summary>
    /// Whether the message is MEL's rendering of the <c>{OriginalFormat}</c> template (the state and formatter come from
    /// <c>LoggerMessage</c> or the <c>LogInformation(...)</c> extensions), so the dispatcher may render the template
    /// itself, straight into a buffer, instead of calling the formatter for a string.
    /// </summary>
    public abstract bool RendersTemplate { get; }

    /// <summary>Clears references and returns the instance to its pool.</summary>
    public void Return()
    {
        Exception = null;
        Correlation = null;
        Ready = null;
        Array.Clear(_scopes, 0, ScopeCount);
        ScopeCount = 0;
        ReturnCore();
    }

    protected abstract void ReturnCore();
}

internal sealed class PendingEntry<TState> : PendingEntry
{
    // One pool per state type: pooled holders keep TState unboxed (ZLogger's per-type entry idea).
    private static readonly GrowingPool<PendingEntry<TState>> Pool = new();

    private static readonly bool StateFromMel = typeof(TState).Assembly == typeof(ILogger).Assembly;

    // The last formatter seen to be MEL's own (LoggerMessage's callback or the extensions' formatter): checked by
    // reference per entry, because reading Delegate.Method per entry would cost a reflection lookup.
    private static Func<TState, Exception?, string>? _knownMelFormatter;

    private TState _state = default!;
    private Func<TState, Exception?, string>? _formatter;

    public static PendingEntry<TState> Rent(TState state, Func<TState, Exception?, string>? formatter)
    {
        if (!Pool.TryRent(out var entry))
        {
            entry = new PendingEntry<TState>();
        }

        entry._state = state;
        entry._formatter = formatter;
        return entry;
    }

    public override string RenderMessage()
    {
        var formatter = _formatter;
        if (formatter is null)
        {
            return _state?.ToString() ?? string.Empty;
        }

        return formatter(_state, Exception);
    }

    public override IEnumerable<KeyValuePair<string, object?>>? GetStateValues() =>
        _state as IEnumerable<KeyValuePair<string, object?>>;

    public override bool RendersTemplate
    {
        get
        {
            var formatter = _formatter;
            if (!StateFromMel || formatter is null)
            {
                return false;
            }

            if (ReferenceEquals(formatter, _knownMelFormatter))
            {
                return true;
            }

            if (formatter.Method.DeclaringType?.Assembly != typeof(ILogger).Assembly)
            {
                return false; // a custom formatter over MEL's state: only it knows what it renders
            }

            _knownMelFormatter = formatter;
            return true;
        }
    }

    protected override void ReturnCore()
    {
        _state = default!;
        _formatter = null;
        Pool.Return(this);
    }
}

/// <summary>Carrier for entries written directly as <see cref="LogEntry"/>.</summary>
internal sealed class ReadyEntry : PendingEntry
{
    public override string RenderMessage() => Ready?.Message ?? string.Empty;

    public override IEnumerable<KeyValuePair<string, object?>>? GetStateValues() => null;

    public override bool RendersTemplate => false;

    protected override void ReturnCore()
    {
        // Not pooled: direct writes are rare (tests, bridges).
    }
}
