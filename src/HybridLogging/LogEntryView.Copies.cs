namespace HybridLogging;

/// <summary>Filling a view from an entry object, and copying a view into one that outlives it.</summary>
public sealed partial class LogEntryView
{
    /// <summary>
    /// A view made to hold copies (<see cref="CopyFrom"/>): its buffers start empty and grow to what is copied into
    /// them, so a ring of thousands of copies costs about what the entries would.
    /// </summary>
    internal static LogEntryView ForCopies() => new() { _properties = [], _message = [] };

    /// <summary>A copy's message buffer above this many characters is not kept once the copy is done with.</summary>
    internal const int LargeMessageChars = 4096;

    /// <summary>
    /// Readies a copy to go back to a pool: lets go of a buffer a huge message grew, and nothing else. The next
    /// <see cref="CopyFrom"/> overwrites every field, so clearing them here would only write, from the reader's core, the
    /// cache lines the writer's core is about to write again. Until then the copy keeps its last entry's values alive:
    /// a subscription's pool holds at most its capacity + 2 copies, the same bound as the unread entries it may hold.
    /// </summary>
    internal void ReleaseForReuse() => LetGoOfLargeMessageBuffer(needed: 0);

    /// <summary>The entry of a copy that is read once: built, not kept in the copy (which goes back to its pool).</summary>
    internal LogEntry ReadOnce() => _entry ?? BuildEntry();

    // One huge message must not pin its buffer in a long-lived copy once the copy holds (or will hold) a small one.
    private void LetGoOfLargeMessageBuffer(int needed)
    {
        if (_message.Length > LargeMessageChars && needed <= LargeMessageChars / 4)
        {
            _message = [];
            MessageLength = 0;
        }
    }

    /// <summary>
    /// Makes this view a copy of <paramref name="source"/> that outlives it: the subscriber and recent buffers keep
    /// copies and build a <see cref="LogEntry"/> only for the ones that are read. Property values are immutable
    /// snapshots, so they are shared, not cloned, except a primitive in a box the dispatcher reuses (it gets a box of
    /// its own); the message is copied. Copying allocates nothing once the buffers have
    /// grown, where building an entry for every offered view allocated about 370 B, mostly for entries that were
    /// evicted unread.
    /// </summary>
    internal void CopyFrom(LogEntryView source)
    {
        // Every field is overwritten below, so only the properties past the new count are cleared (a full Clear first
        // was 2-3% of the dispatcher's samples in the full configuration).
        var count = source.PropertyCount;
        if (_properties.Length < count)
        {
            _properties = new Property[count];
        }
        else if (PropertyCount > count)
        {
            Array.Clear(_properties, count, PropertyCount - count);
        }

        Array.Copy(source._properties, _properties, count);
        PropertyCount = count;
        for (var i = 0; i < count; i++)
        {
            if (_properties[i].Recycled)
            {
                // The copy outlives the entry: its value gets a box of its own.
                _properties[i].Value = Kept(_properties[i]);
                _properties[i].Recycled = false;
            }
        }

        var length = source.MessageLength;
        LetGoOfLargeMessageBuffer(length);

        source.Message.CopyTo(MessageBuffer(length));
        MessageLength = length;
        _durationText = source._durationText;
        _latencyText = source._latencyText;
        // The details taken at the call, never the exception object: a ring of copies must not keep the app's
        // exceptions (and whatever they reference) alive, and an entry needs only the details.
        _error = source.Error;
        _exception = null;
        _entry = source._entry;
        Sequence = source.Sequence;
        TimestampTicks = source.TimestampTicks;
        Level = source.Level;
        Category = source.Category;
        Source = source.Source;
        Names = source.Names;
        Shape = source.Shape;
        EventId = source.EventId;
        MessageTemplate = source.MessageTemplate;
        _correlation = source._correlation;
        RequestId = source.RequestId;
        UserId = source.UserId;
        SessionId = source.SessionId;
        OperationType = source.OperationType;
        TraceId = source.TraceId;
        SpanId = source.SpanId;
        DurationMs = source.DurationMs;
        LatencyMs = source.LatencyMs;
        Throughput = source.Throughput;
        ErrorRate = source.ErrorRate;
        Provider = source.Provider;
        Fallback = source.Fallback;
        RoutingReason = source.RoutingReason;
        HasRouting = source.HasRouting;
        ErrorCode = source.ErrorCode;
        Metadata = source.Metadata;
    }

    /// <summary>Fills the view from an entry object (written entries, and formatters called with a <see cref="LogEntry"/>).</summary>
    internal void Load(LogEntry entry)
    {
        LoadContent(entry);
        _entry = entry;
    }

    /// <summary>Fills the view with an entry's content without keeping the entry object (as a dispatched view has none yet).</summary>
    internal void LoadContent(LogEntry entry)
    {
        Clear();
        LoadFields(entry);
        SetMessage(entry.Message);
        foreach (var (key, value) in entry.Properties)
        {
            AddProperty(key, value);
        }
    }

    /// <summary>Copies an entry's typed fields (not its message or properties); non-finite performance figures are left out.</summary>
    internal void LoadFields(LogEntry entry)
    {
        TimestampTicks = entry.Timestamp.UtcTicks;
        Level = entry.Level;
        Category = entry.Category;
        Source = entry.Source;
        EventId = entry.EventId;
        MessageTemplate = entry.MessageTemplate;
        CorrelationId = entry.CorrelationId;
        RequestId = entry.RequestId;
        UserId = entry.UserId;
        SessionId = entry.SessionId;
        OperationType = entry.OperationType;
        TraceId = entry.TraceId;
        SpanId = entry.SpanId;
        DurationMs = entry.Duration?.TotalMilliseconds;
        LatencyMs = Finite(entry.Performance?.LatencyMs);
        Throughput = Finite(entry.Performance?.Throughput);
        ErrorRate = Finite(entry.Performance?.ErrorRate);
        HasRouting = entry.Routing is not null;
        Provider = entry.Routing?.Provider;
        Fallback = entry.Routing?.Fallback;
        RoutingReason = entry.Routing?.Reason;
        _error = entry.Error;
        ErrorCode = entry.Error?.Code;
        Metadata = entry.Metadata;

        static double? Finite(double? value) => value is { } number && double.IsFinite(number) ? number : null;
    }
}
