using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// The pipeline's read-only view of one log entry, after redaction, limits and the lifting of well-known properties
/// into typed fields. Filters, formatters, observers and <see cref="LogEntry"/> itself are all built from it, so every
/// output agrees on what an entry contains.
/// </summary>
/// <remarks>
/// A view is reused for the next entry as soon as the call it is passed to returns: read what you need during the call
/// and never keep the view (call <see cref="ToLogEntry"/> for an object that may be kept). Property values are already
/// snapshots: <c>null</c>, <see cref="string"/>, <see cref="bool"/>, the integral and floating-point types,
/// <see cref="decimal"/>, <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>,
/// <see cref="Guid"/>, <c>object?[]</c> for sequences and <c>KeyValuePair&lt;string, object?&gt;[]</c> for maps.
/// A value returned by <see cref="GetPropertyValue"/> or <see cref="TryGetProperty"/> may be kept. The pipeline reads a
/// <c>LoggerMessage</c> call's primitives into boxes it reuses for the next entry, so these two methods hand out such a
/// value in a new box of its own, at each call; <see cref="PeekPropertyValue"/> reads it without one, for use during the
/// call only.
/// </remarks>
public sealed partial class LogEntryView
{
    private Property[] _properties = new Property[16];
    private (int Start, int Length) _durationText;
    private (int Start, int Length) _latencyText;
    private char[] _message = new char[256];
    private Exception? _exception;
    private LogError? _error;
    private LogEntry? _entry;
    private object? _correlation; // the id's text, or the context whose generated id it is (see GeneratedCorrelation)

    internal LogEntryView()
    {
    }

    /// <summary>Sequence number of the entry, unique within its pipeline and increasing in dispatch order.</summary>
    public long Sequence { get; internal set; }

    /// <summary>UTC ticks of <see cref="Timestamp"/>.</summary>
    public long TimestampTicks { get; internal set; }

    /// <summary>When the log call was made (UTC).</summary>
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);

    /// <summary>Severity.</summary>
    public LogLevel Level { get; internal set; }

    /// <summary>The logger category.</summary>
    public string Category { get; internal set; } = string.Empty;

    /// <summary>The logical source derived from the category (see <see cref="LogEntry.Source"/>).</summary>
    public string Source { get; internal set; } = string.Empty;

    /// <summary>
    /// The category's state of a logged call, whose encoded category and source the JSON writer copies while they are
    /// the view's own (same instances); null for views loaded from entries.
    /// </summary>
    internal CategoryState? Names { get; set; }

    /// <summary>The parsed template of a logged call, whose encoded template and event name the JSON writer copies (as <see cref="Names"/>).</summary>
    internal TemplateShape? Shape { get; set; }

    /// <summary>Event id of the call.</summary>
    public EventId EventId { get; internal set; }

    /// <summary>The rendered message: redacted by placeholder, bounded by <see cref="HybridLoggingOptions.MaxMessageLength"/>.</summary>
    public ReadOnlySpan<char> Message => _message.AsSpan(0, MessageLength);

    /// <summary>The message template (<c>{OriginalFormat}</c>), when the call had one.</summary>
    public string? MessageTemplate { get; internal set; }

    /// <summary>Correlation id: from a property, a scope, the correlation context, or the trace id.</summary>
    public string? CorrelationId
    {
        get => CorrelationIds.Text(_correlation);
        internal set => _correlation = value;
    }

    /// <summary>Whether the entry has a correlation id, without making a generated one's text.</summary>
    internal bool HasCorrelationId => _correlation is not null;

    /// <summary>The correlation id as the view holds it, for records: its text, or the context of a generated one.</summary>
    internal object? Correlation => _correlation;

    /// <summary>
    /// The context whose generated correlation id the entry carries, while that id is known only as a <see cref="Guid"/>:
    /// the JSON writer formats its digits into the line, and the string is made only for a reader that asks for it
    /// (an entry object, a filter on the id, a record's <see cref="LogRecord.CorrelationId"/>).
    /// </summary>
    internal CorrelationContext? GeneratedCorrelation => _correlation as CorrelationContext;

    /// <summary>Takes the context's correlation id: the context itself for a generated id, else the id's text.</summary>
    internal void SetCorrelation(CorrelationContext context) =>
        _correlation = context.TryGetGeneratedId(out _) ? context : context.CorrelationId;

    /// <summary>Request id.</summary>
    public string? RequestId { get; internal set; }

    /// <summary>User id.</summary>
    public string? UserId { get; internal set; }

    /// <summary>Session id.</summary>
    public string? SessionId { get; internal set; }

    /// <summary>Kind of operation.</summary>
    public string? OperationType { get; internal set; }

    /// <summary>W3C trace id (32 lowercase hex digits), when known.</summary>
    public string? TraceId { get; internal set; }

    /// <summary>W3C span id (16 lowercase hex digits), when known.</summary>
    public string? SpanId { get; internal set; }

    /// <summary>Duration of the operation in milliseconds, when known (always finite).</summary>
    public double? DurationMs { get; internal set; }

    /// <summary>Latency in milliseconds (always finite).</summary>
    public double? LatencyMs { get; internal set; }

    /// <summary>Throughput in operations per second (always finite).</summary>
    public double? Throughput { get; internal set; }

    /// <summary>Error rate (always finite).</summary>
    public double? ErrorRate { get; internal set; }

    /// <summary>Whether any performance figure is present.</summary>
    public bool HasPerformance => LatencyMs is not null || Throughput is not null || ErrorRate is not null;

    /// <summary>Routing: the provider the request went to.</summary>
    public string? Provider { get; internal set; }

    /// <summary>Routing: the fallback provider used.</summary>
    public string? Fallback { get; internal set; }

    /// <summary>Routing: why this route was chosen.</summary>
    public string? RoutingReason { get; internal set; }

    /// <summary>Whether any routing field is present.</summary>
    public bool HasRouting { get; internal set; }

    /// <summary>The <c>ErrorCode</c> property of the call, if any.</summary>
    public string? ErrorCode { get; internal set; }

    /// <summary>Whether the entry carries an error (an exception passed to the call).</summary>
    public bool HasError => _exception is not null || _error is not null;

    /// <summary>The exception passed to the call, when the entry comes from a log call (null for a written <see cref="LogEntry"/>).</summary>
    public Exception? Exception => _exception;

    /// <summary>Error details (bounded in depth and size), captured once per entry on first use.</summary>
    public LogError? Error
    {
        get
        {
            if (_error is null && _exception is { } exception)
            {
                _error = ErrorCapture.Capture(exception, ErrorCapture.DefaultDepth, ErrorCode);
            }

            return _error;
        }
    }

    /// <summary>Static metadata of the pipeline (<see cref="HybridLoggingOptions.Metadata"/>), or null.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; internal set; }

    /// <summary>Number of properties (well-known names are lifted into the typed fields and are not counted here).</summary>
    public int PropertyCount { get; private set; }

    /// <summary>Name of the property at <paramref name="index"/>.</summary>
    public string GetPropertyName(int index) => PropertyAt(index).Name;

    /// <summary>Value of the property at <paramref name="index"/> (a snapshot; see the remarks of the class).</summary>
    public object? GetPropertyValue(int index) => Kept(PropertyAt(index));

    /// <summary>
    /// Value of the property at <paramref name="index"/> as the pipeline holds it, for a formatter or observer that uses
    /// it during the call and keeps nothing: a primitive of a <c>LoggerMessage</c> call is in a box the pipeline
    /// overwrites for the next entry, so reading it here allocates nothing. Keep a value only from
    /// <see cref="GetPropertyValue"/>.
    /// </summary>
    public object? PeekPropertyValue(int index) => PropertyAt(index).Value;

    /// <summary>Finds a property by name (ordinal, then ordinal ignoring case).</summary>
    public bool TryGetProperty(string name, out object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var pass = 0; pass < 2; pass++)
        {
            var comparison = pass == 0 ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            for (var i = 0; i < PropertyCount; i++)
            {
                if (string.Equals(_properties[i].Name, name, comparison))
                {
                    value = Kept(_properties[i]);
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>An immutable <see cref="LogEntry"/> with the same content (built once per entry, on first call).</summary>
    public LogEntry ToLogEntry() => _entry ??= BuildEntry();

    internal int MessageLength { get; private set; }

    /// <summary>The property's name pre-encoded for JSON (escaped UTF-8 without quotes), when the template cache has it.</summary>
    internal byte[]? GetEncodedName(int index) => PropertyAt(index).EncodedName;

    /// <summary>Space for the message; call <see cref="SetMessageLength"/> after writing into it.</summary>
    internal char[] MessageBuffer(int capacity)
    {
        if (_message.Length < capacity)
        {
            var bigger = new char[Math.Max(capacity, _message.Length * 2)];
            _message.AsSpan().CopyTo(bigger);
            _message = bigger;
        }

        return _message;
    }

    internal void SetMessageLength(int length) => MessageLength = length;

    /// <summary>
    /// Notes that the message holds, at <paramref name="start"/>, the text of the number <paramref name="value"/> (the very
    /// object a property holds) as its shortest round-trip form, so the JSON writer copies it instead of formatting it again.
    /// </summary>
    internal void NoteNumberText(object value, int start, int length)
    {
        for (var i = 0; i < PropertyCount; i++)
        {
            if (ReferenceEquals(_properties[i].Value, value))
            {
                _properties[i].MessageText = (start, length);
                return;
            }
        }
    }

    /// <summary>
    /// Notes the message text of a number equal to a typed field's value (duration as written, rounded to 3 decimals;
    /// latency, throughput, error rate as they are): equal doubles have the same shortest round-trip text.
    /// </summary>
    internal void NoteFieldText(double value, int start, int length)
    {
        if (DurationMs is { } duration && Math.Round(duration, 3) == value && _durationText.Length == 0)
        {
            _durationText = (start, length);
        }

        if (LatencyMs == value && _latencyText.Length == 0)
        {
            _latencyText = (start, length);
        }
    }

    /// <summary>The message text of the duration as written, or empty.</summary>
    internal ReadOnlySpan<char> DurationText => _durationText.Length == 0 ? default : _message.AsSpan(_durationText.Start, _durationText.Length);

    /// <summary>The message text of the latency, or empty.</summary>
    internal ReadOnlySpan<char> LatencyText => _latencyText.Length == 0 ? default : _message.AsSpan(_latencyText.Start, _latencyText.Length);

    /// <summary>The message text of a property's number (see <see cref="NoteNumberText"/>), or empty.</summary>
    internal ReadOnlySpan<char> NumberText(int index)
    {
        var (start, length) = PropertyAt(index).MessageText;
        return length == 0 ? default : _message.AsSpan(start, length);
    }

    internal void SetMessage(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < PropertyCount; i++)
        {
            _properties[i].MessageText = default; // the texts noted were in the message this replaces
        }

        _durationText = _latencyText = default;

        text.CopyTo(MessageBuffer(text.Length).AsSpan());
        MessageLength = text.Length;
    }

    internal void SetException(Exception? exception) => _exception = exception;

    internal void SetError(LogError? error) => _error = error;

    internal void AddProperty(string name, object? value, byte[]? encodedName = null, bool recycled = false)
    {
        if (PropertyCount == _properties.Length)
        {
            Array.Resize(ref _properties, _properties.Length * 2);
        }

        _properties[PropertyCount++] = new Property(name, value, encodedName) { Recycled = recycled };
    }

    internal bool HasProperty(string name)
    {
        for (var i = 0; i < PropertyCount; i++)
        {
            if (string.Equals(_properties[i].Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets the current entry (references are cleared so the view keeps nothing alive).</summary>
    internal void Clear()
    {
        Array.Clear(_properties, 0, PropertyCount);
        PropertyCount = 0;
        MessageLength = 0;
        _durationText = _latencyText = default;
        Sequence = 0;
        EventId = default;
        Category = Source = string.Empty;
        Names = null;
        Shape = null;
        MessageTemplate = CorrelationId = RequestId = UserId = SessionId = OperationType = TraceId = SpanId = null;
        DurationMs = LatencyMs = Throughput = ErrorRate = null;
        Provider = Fallback = RoutingReason = ErrorCode = null;
        HasRouting = false;
        _exception = null;
        _error = null;
        _entry = null;
        Metadata = null;
    }

    private ref readonly Property PropertyAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)PropertyCount, nameof(index));
        return ref _properties[index];
    }

    private LogEntry BuildEntry()
    {
        var properties = PropertyCount == 0 ? [] : new KeyValuePair<string, object?>[PropertyCount];
        for (var i = 0; i < PropertyCount; i++)
        {
            properties[i] = new(_properties[i].Name, Kept(_properties[i]));
        }

        return new LogEntry
        {
            Timestamp = Timestamp,
            Level = Level,
            Category = Category,
            Source = Source,
            EventId = EventId,
            Message = SharedEntryParts.Message(Message),
            MessageTemplate = MessageTemplate,
            Properties = properties,
            CorrelationId = CorrelationId,
            RequestId = RequestId,
            UserId = UserId,
            SessionId = SessionId,
            TraceId = TraceId,
            SpanId = SpanId,
            OperationType = OperationType,
            Duration = DurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Error = Error,
            Performance = HasPerformance ? new PerformanceInfo { LatencyMs = LatencyMs, Throughput = Throughput, ErrorRate = ErrorRate } : null,
            Routing = HasRouting ? SharedEntryParts.Routing(Provider, Fallback, RoutingReason) : null,
            Metadata = Metadata,
        };
    }

    // A recycled value goes out in a box of its own: whoever asks may keep it.
    private static object? Kept(in Property property) =>
        property.Recycled && property.Value is { } value ? Internal.RecycledBoxes.Rebox(value) : property.Value;

    private record struct Property(string Name, object? Value, byte[]? EncodedName)
    {
        /// <summary>Whether <see cref="Value"/> is in a box the dispatcher reuses for the next entry.</summary>
        public bool Recycled;

        /// <summary>Where the value's own text stands in the message (start, length), or (0, 0).</summary>
        public (int Start, int Length) MessageText;
    }
}
