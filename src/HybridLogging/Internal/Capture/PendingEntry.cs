using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// What a log call captures on the app thread: the raw state, never rendered there unless it could change after the
/// call returns (see <see cref="ArgumentCapture"/>). Everything else happens on the dispatcher thread. Instances are
/// pooled per state type so an enabled call does not allocate in steady state.
/// </summary>
internal abstract class PendingEntry
{
    // Allocated on the first scope only: most calls carry none, and a pool miss then costs one object, not two.
    private object?[] _scopes = [];
    private KeyValuePair<string, object?>[] _snapshot = [];

    public long TimestampTicks;
    public LogLevel Level;
    public EventId EventId;
    public Exception? Exception;

    /// <summary>
    /// The exception's details as they were when the call was made (see <see cref="ErrorCapture.Snapshot"/>), or null.
    /// </summary>
    public LogError? Error;
    public CategoryState Category = null!;
    public CorrelationContext? Correlation;
    public ActivityTraceId TraceId;
    public ActivitySpanId SpanId;
    public bool HasActivity;
    public int ScopeCount;

    /// <summary>Number of values in <see cref="Snapshot"/>, or -1 when the state itself is read at dispatch.</summary>
    public int SnapshotCount = -1;

    /// <summary>The message rendered on the calling thread, for states that cannot be read later.</summary>
    public string? PreRendered;

    /// <summary>Type name of the exception reading the state's values threw (some values are then missing), or null.</summary>
    public string? ReadError;

    /// <summary>Set for entries written directly as <see cref="LogEntry"/> (not through ILogger).</summary>
    public LogEntry? Ready;

    public ReadOnlySpan<object?> Scopes => _scopes.AsSpan(0, ScopeCount);

    public ReadOnlySpan<KeyValuePair<string, object?>> Snapshot => _snapshot.AsSpan(0, Math.Max(0, SnapshotCount));

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

    /// <summary>Space for <paramref name="count"/> snapshot values (reused by the pooled holder).</summary>
    public Span<KeyValuePair<string, object?>> SnapshotBuffer(int count)
    {
        if (_snapshot.Length < count)
        {
            _snapshot = new KeyValuePair<string, object?>[Math.Max(count, 4)];
        }

        SnapshotCount = count;
        return _snapshot.AsSpan(0, count);
    }

    /// <summary>Renders the message with the call's formatter (on the dispatcher thread, or pre-rendered); never throws.</summary>
    public abstract string RenderMessage();

    /// <summary>
    /// Copies the call's key/value pairs (the snapshot when there is one, else the state's) into <paramref name="buffer"/>,
    /// at most <paramref name="max"/>; returns how many, or -1 when the state is not key/value shaped. A value whose
    /// read throws is skipped (MEL's own state throws for a template with more holes than arguments). With
    /// <paramref name="boxes"/>, the primitive values of <c>LoggerMessage</c>'s states go into its recycled boxes
    /// (marked there) instead of new ones.
    /// </summary>
    public abstract int ReadValues(ref KeyValuePair<string, object?>[] buffer, int max, RecycledBoxes? boxes = null);

    /// <summary>
    /// Whether the message is MEL's rendering of the <c>{OriginalFormat}</c> template (the state and formatter come from
    /// <c>LoggerMessage</c> or the <c>LogInformation(...)</c> extensions), so the dispatcher may render the template
    /// itself instead of calling the formatter for a string.
    /// </summary>
    public abstract bool RendersTemplate { get; }

    /// <summary>Clears references and returns the instance to its pool.</summary>
    public void Return()
    {
        Exception = null;
        Error = null;
        Correlation = null;
        Ready = null;
        PreRendered = null;
        ReadError = null;
        Array.Clear(_scopes, 0, ScopeCount);
        ScopeCount = 0;
        if (SnapshotCount > 0)
        {
            Array.Clear(_snapshot, 0, SnapshotCount);
        }

        SnapshotCount = -1;
        ReturnCore();
    }

    protected abstract void ReturnCore();

    protected int CopySnapshot(ref KeyValuePair<string, object?>[] buffer, int max)
    {
        var count = Math.Min(SnapshotCount, max);
        EnsureCapacity(ref buffer, count);
        _snapshot.AsSpan(0, count).CopyTo(buffer);
        return count;
    }

    protected static void EnsureCapacity(ref KeyValuePair<string, object?>[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = new KeyValuePair<string, object?>[Math.Max(count, buffer.Length * 2)];
        }
    }
}

internal sealed class PendingEntry<TState> : PendingEntry
{
    // One pool per state type: pooled holders keep TState unboxed (ZLogger's per-type entry idea).
    private static readonly GrowingPool<PendingEntry<TState>> Pool = new();

    private static readonly bool StateFromMel = typeof(TState).Assembly == typeof(ILogger).Assembly;

    /// <summary>How calls with this state type are captured, decided once per type.</summary>
    public static readonly CaptureKind Kind = ArgumentCapture.Classify(typeof(TState));

    // The last formatter seen to be MEL's own (LoggerMessage's callback or the extensions' formatter): checked by
    // reference per entry, because reading Delegate.Method per entry would cost a reflection lookup.
    private static Func<TState, Exception?, string>? _knownMelFormatter;

    private TState _state = default!;
    private Func<TState, Exception?, string>? _formatter;

    public TState State => _state;

    public Func<TState, Exception?, string>? Formatter => _formatter;

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
        if (PreRendered is { } rendered)
        {
            return rendered;
        }

        var formatter = _formatter;
        if (formatter is null)
        {
            return _state?.ToString() ?? string.Empty;
        }

        return formatter(_state, Exception);
    }

    public override int ReadValues(ref KeyValuePair<string, object?>[] buffer, int max, RecycledBoxes? boxes = null)
    {
        if (SnapshotCount >= 0)
        {
            return CopySnapshot(ref buffer, max);
        }

        if (boxes is not null && LogValuesReader<TState>.Instance is { } typed)
        {
            try
            {
                var copy = _state;
                var read = typed.Read(ref copy, ref buffer, boxes);
                if (read >= 0)
                {
                    return read;
                }
            }
            catch (Exception)
            {
                // Not expected (it reads fields); the indexer below reads the state as before.
            }
        }

        if (StructStateReader<TState>.Instance is { } reader)
        {
            // One copy read throughout, as the boxed copy was.
            var state = _state;
            return ReadStruct(reader, ref state, ref buffer, max);
        }

        switch (_state)
        {
            case IReadOnlyList<KeyValuePair<string, object?>> list:
                var count = Math.Min(SafeCount(list), max);
                EnsureCapacity(ref buffer, count);
                var written = 0;
                for (var i = 0; i < count; i++)
                {
                    try
                    {
                        buffer[written] = list[i];
                        written++;
                    }
                    catch (Exception ex)
                    {
                        // MEL's FormattedLogValues throws for a hole without an argument; the template (read last) stays.
                        ReadError ??= ex.GetType().Name;
                    }
                }

                return written;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var n = 0;
                try
                {
                    foreach (var pair in pairs)
                    {
                        if (n == max)
                        {
                            break; // bounded: an endless state must not stall the dispatcher
                        }

                        EnsureCapacity(ref buffer, n + 1);
                        buffer[n++] = pair;
                    }
                }
                catch (Exception ex)
                {
                    // What was read before the failure is kept.
                    ReadError = ex.GetType().Name;
                }

                return n;
            default:
                return -1;
        }
    }

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

    private int ReadStruct(StructStateReader<TState> reader, ref TState state, ref KeyValuePair<string, object?>[] buffer, int max)
    {
        int count;
        try
        {
            count = Math.Min(reader.Count(ref state), max);
        }
        catch (Exception)
        {
            count = 0;
        }

        EnsureCapacity(ref buffer, count);
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            try
            {
                buffer[written] = reader.Get(ref state, i);
                written++;
            }
            catch (Exception ex)
            {
                ReadError ??= ex.GetType().Name;
            }
        }

        return written;
    }

    private static int SafeCount(IReadOnlyList<KeyValuePair<string, object?>> list)
    {
        try
        {
            return list.Count;
        }
        catch (Exception)
        {
            return 0;
        }
    }
}

/// <summary>Carrier for entries written directly as <see cref="LogEntry"/>.</summary>
internal sealed class ReadyEntry : PendingEntry
{
    public override string RenderMessage() => Ready?.Message ?? string.Empty;

    public override int ReadValues(ref KeyValuePair<string, object?>[] buffer, int max, RecycledBoxes? boxes = null) => -1;

    public override bool RendersTemplate => false;

    protected override void ReturnCore()
    {
        // Not pooled: direct writes are rare (tests, bridges).
    }
}
