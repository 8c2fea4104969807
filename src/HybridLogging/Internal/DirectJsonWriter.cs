using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;
using static HybridLogging.Formatting.JsonLogFormatter;

namespace HybridLogging.Internal;

/// <summary>
/// Formats a captured log call as a JSON line straight from its state, without building a <see cref="LogEntry"/>: the
/// message is rendered from the template into a reused character buffer, and property values go from the state to the
/// writer. The output is byte for byte what <see cref="EntryBuilder"/> followed by <see cref="JsonLogFormatter"/>
/// produces; calls this path does not cover (exceptions, scopes, redacted or well-known property names, values that
/// need a snapshot, messages that need truncating) return false, and the caller takes the general path.
/// Dispatcher thread only.
/// </summary>
/// <remarks>
/// Why a second formatter at all: for the common call (a <c>[LoggerMessage]</c> with a few primitive arguments, written
/// to a JSON file) building the immutable entry, its message string and property array was most of the pipeline's
/// allocation and a large part of its CPU. The equivalence with the general path is checked by property tests.
/// </remarks>
internal sealed class DirectJsonWriter(EntryBuilder builder)
{
    private const string OriginalFormatKey = "{OriginalFormat}";
    private const string NullText = "(null)";
    private const int MaxShapes = 4096;

    // Call sites repeat: one shape per template instance (by reference: LoggerMessage templates are literals).
    private readonly Dictionary<string, Shape> _shapes = new(ReferenceEqualityComparer.Instance);
    private PipelineSettings? _shapesSettings;
    private Shape? _lastShape;
    private KeyValuePair<string, object?>[] _values = new KeyValuePair<string, object?>[16];

    // Where each value's text sits in the rendered message, when it was formatted with no format or alignment: the
    // plain writer copies a double from there instead of formatting it a second time.
    private Range[] _holes = new Range[16];
    private char[] _message = new char[512];
    private Utf8JsonWriter? _writer;
    private PipelineSettings? _metadataSettings;
    private byte[] _metadata = [];

    /// <summary>Writes the entry as one JSON line, or returns false (nothing written) when the general path is needed.</summary>
    public bool TryWrite(PendingEntry pending, PipelineSettings settings, IBufferWriter<byte> output)
    {
        if (pending.Ready is not null || pending.Exception is not null || pending.ScopeCount > 0)
        {
            return false;
        }

        try
        {
            return TryWriteCore(pending, settings, output);
        }
        catch (Exception)
        {
            // A throwing formatter or value, or text the writer refuses: nothing reached the output (the writer only
            // advances it on Flush), and the general path reports it the way it always does.
            return false;
        }
    }

    private bool TryWriteCore(PendingEntry pending, PipelineSettings settings, IBufferWriter<byte> output)
    {
        if (pending.GetStateValues() is not IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            return false;
        }

        // One pass over the state: MEL's states box value-type arguments on each indexer read, so read each once.
        var count = list.Count;
        if (count > _values.Length)
        {
            if (count > 256)
            {
                return false;
            }

            _values = new KeyValuePair<string, object?>[count];
            _holes = new Range[count];
        }

        var values = _values.AsSpan(0, count);
        string? template = null;
        var templateIndex = -1;
        for (var i = 0; i < count; i++)
        {
            var pair = list[i];
            values[i] = pair;
            if (pair.Key == OriginalFormatKey && templateIndex < 0)
            {
                template = pair.Value as string;
                templateIndex = i;
            }
        }

        if (template is null || templateIndex != count - 1)
        {
            values.Clear();
            return false;
        }

        var shape = GetShape(template, values[..^1], settings);
        if (shape is null || !ValuesAreSimple(values[..^1]))
        {
            values.Clear();
            return false;
        }

        ReadOnlySpan<char> message;
        var holes = _holes.AsSpan(0, count - 1);
        holes.Clear();
        if (shape.Segments is not null && pending.RendersTemplate)
        {
            message = Render(shape.Segments, values);
        }
        else
        {
            message = pending.RenderMessage() ?? string.Empty;
        }

        if (message.Length > settings.MaxMessageLength || ValueSnapshot.FindLoneSurrogate(message) >= 0)
        {
            values.Clear();
            return false; // the general path truncates and repairs it
        }

        var (category, source) = EncodedNames(pending.Category);
        var head = new PlainJsonLine.EncodedHead(category, source, shape.EventName(pending.EventId.Name));
        if (PlainJsonLine.TryWrite(output, pending, head, shape.EncodedTemplate.EncodedUtf8Bytes, MetadataBytes(settings), message, holes, shape.Names, values[..^1]))
        {
            values.Clear();
            return true;
        }

        var writer = _writer ??= new Utf8JsonWriter(output, WriterOptions);
        writer.Reset(output);
        try
        {
            WriteEntry(writer, pending, settings, shape, message, values[..^1]);
            writer.Flush();
        }
        finally
        {
            values.Clear();
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
        return true;
    }

    private static void WriteEntry(
        Utf8JsonWriter writer,
        PendingEntry pending,
        PipelineSettings settings,
        Shape shape,
        ReadOnlySpan<char> message,
        ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        writer.WriteStartObject();
        writer.WriteString(TimestampName, new DateTime(pending.TimestampTicks, DateTimeKind.Utc));
        writer.WriteString(LevelName, PlainJsonLine.LevelValue(pending.Level));
        var (category, source) = EncodedNames(pending.Category);
        writer.WriteString(SourceName, source);
        writer.WriteString(CategoryName, category);
        if (pending.EventId.Id != 0)
        {
            writer.WriteNumber(EventIdName, pending.EventId.Id);
        }

        if (pending.EventId.Name is { } eventName)
        {
            writer.WriteString(EventNameName, eventName);
        }

        writer.WriteString(MessageName, message);
        writer.WriteString(TemplateName, shape.EncodedTemplate);

        Span<char> traceId = stackalloc char[32];
        Span<char> spanId = stackalloc char[16];
        var hasTrace = pending.TryFormatTraceIds(traceId, spanId);

        var correlation = pending.Correlation;
        if (correlation?.CorrelationId is { } correlationId)
        {
            writer.WriteString(CorrelationIdName, correlationId);
        }
        else if (hasTrace)
        {
            writer.WriteString(CorrelationIdName, traceId);
        }

        if (correlation is not null)
        {
            WriteOptional(writer, RequestIdName, correlation.RequestId);
            WriteOptional(writer, UserIdName, correlation.UserId);
            WriteOptional(writer, SessionIdName, correlation.SessionId);
        }

        if (hasTrace)
        {
            writer.WriteString(TraceIdName, traceId);
            writer.WriteString(SpanIdName, spanId);
        }

        if (correlation is not null)
        {
            WriteOptional(writer, OperationTypeName, correlation.OperationType);
        }

        if (settings.Metadata is { Count: > 0 } metadata)
        {
            writer.WriteStartObject(MetadataName);
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        if (values.Length > 0)
        {
            writer.WriteStartObject(PropertiesName);
            var limit = settings.Limits.MaxStringLength;
            for (var i = 0; i < values.Length; i++)
            {
                writer.WritePropertyName(shape.Names[i]);
                var value = values[i].Value;
                if (value is string text)
                {
                    writer.WriteStringValue(ValueSnapshot.Sanitize(text, limit));
                }
                else
                {
                    JsonLogFormatter.WriteValue(writer, value, 0);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary><c>,"metadata":{...}</c> as the writer writes it, encoded once per settings (empty when there is none).</summary>
    private byte[] MetadataBytes(PipelineSettings settings)
    {
        if (ReferenceEquals(_metadataSettings, settings))
        {
            return _metadata;
        }

        var bytes = Array.Empty<byte>();
        if (settings.Metadata is { Count: > 0 } metadata)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteStartObject(MetadataName);
                foreach (var (key, value) in metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            // {"metadata":{...}} -> ,"metadata":{...}
            bytes = [(byte)',', .. buffer.WrittenSpan[1..^1]];
        }

        _metadata = bytes;
        _metadataSettings = settings;
        return bytes;
    }

    /// <summary>Category and source pre-encoded once per category (they repeat on every call).</summary>
    private static (JsonEncodedText Category, JsonEncodedText Source) EncodedNames(CategoryState state)
    {
        if (state.EncodedNames is { } cached)
        {
            return cached;
        }

        // Throws for invalid UTF-16, as writing the raw text would: the caller then takes the general path.
        var encoded = (JsonEncodedText.Encode(state.Category, JavaScriptEncoder.UnsafeRelaxedJsonEscaping), JsonEncodedText.Encode(state.Source, JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
        state.EncodedNames = encoded;
        return encoded;
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Values the general path keeps as they are (or, for strings, only truncates and repairs).</summary>
    private static bool ValuesAreSimple(ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        foreach (var (_, value) in values)
        {
            switch (value)
            {
                case null or string or bool or int or long or double or float or decimal or short or ushort or uint or ulong
                    or byte or sbyte or DateTime or DateTimeOffset or TimeSpan or Guid:
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private Shape? GetShape(string template, ReadOnlySpan<KeyValuePair<string, object?>> properties, PipelineSettings settings)
    {
        var shape = _lastShape;
        if (shape is null || !ReferenceEquals(shape.TemplateKey, template) || !ReferenceEquals(_shapesSettings, settings))
        {
            if (!ReferenceEquals(_shapesSettings, settings))
            {
                _shapes.Clear(); // redaction words and limits may have changed
                _shapesSettings = settings;
            }

            if (!_shapes.TryGetValue(template, out shape))
            {
                if (_shapes.Count >= MaxShapes)
                {
                    _shapes.Clear(); // bounded: templates built at run time must not grow the cache without limit
                }

                shape = Shape.Create(template, properties, settings, builder);
                _shapes[template] = shape;
            }

            _lastShape = shape;
        }

        return shape.Usable && shape.Matches(properties) ? shape : null;
    }

    private ReadOnlySpan<char> Render(Segment[] segments, ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        var length = 0;
        foreach (var segment in segments)
        {
            if (segment.Literal is { } literal)
            {
                Append(ref length, literal);
                continue;
            }

            var start = length;
            var value = values[segment.Hole].Value;
            switch (value)
            {
                case null:
                    Append(ref length, NullText);
                    break;
                case string s:
                    Append(ref length, s);
                    break;
                case bool b:
                    Append(ref length, b ? bool.TrueString : bool.FalseString);
                    break;
                case ISpanFormattable formattable:
                    int written;
                    while (!formattable.TryFormat(_message.AsSpan(length), out written, segment.Format, CultureInfo.InvariantCulture))
                    {
                        Grow(length, _message.Length);
                    }

                    length += written;
                    break;
                default:
                    Append(ref length, value.ToString() ?? string.Empty);
                    break;
            }

            Align(ref length, start, segment.Alignment);
            if (segment.Format is null && segment.Alignment == 0)
            {
                _holes[segment.Hole] = start..length;
            }
        }

        return _message.AsSpan(0, length);
    }

    private void Append(ref int length, string text)
    {
        if (length + text.Length > _message.Length)
        {
            Grow(length, text.Length);
        }

        text.CopyTo(_message.AsSpan(length));
        length += text.Length;
    }

    /// <summary>Pads the text written since <paramref name="start"/> as composite formatting's alignment does.</summary>
    private void Align(ref int length, int start, int alignment)
    {
        var width = Math.Abs(alignment);
        var written = length - start;
        if (written >= width)
        {
            return;
        }

        var pad = width - written;
        if (length + pad > _message.Length)
        {
            Grow(length, pad);
        }

        if (alignment > 0)
        {
            // Right-aligned: move the text right and fill in front.
            _message.AsSpan(start, written).CopyTo(_message.AsSpan(start + pad));
            _message.AsSpan(start, pad).Fill(' ');
        }
        else
        {
            _message.AsSpan(length, pad).Fill(' ');
        }

        length += pad;
    }

    private void Grow(int used, int extra)
    {
        var bigger = new char[Math.Max(_message.Length * 2, used + extra)];
        _message.AsSpan(0, used).CopyTo(bigger);
        _message = bigger;
    }

    /// <summary>A literal run, or a hole: the index of its value, alignment and format.</summary>
    private readonly record struct Segment(string? Literal, int Hole, int Alignment, string? Format);

    /// <summary>What is known about one template: its parsed holes and its property names, checked once.</summary>
    private sealed class Shape
    {
        private Shape(string templateKey, string template, string[] keys, JsonEncodedText[] names, Segment[]? segments, bool usable = true)
        {
            Usable = usable;
            EncodedTemplate = usable ? JsonEncodedText.Encode(template, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) : default;
            TemplateKey = templateKey;
            Template = template;
            Keys = keys;
            Names = names;
            Segments = segments;
        }

        public string TemplateKey { get; }

        /// <summary>False when calls with this template take the general path (redacted, well-known, duplicate or too many keys).</summary>
        public bool Usable { get; }

        /// <summary>The template as the general path writes it (truncated and repaired to the settings' limits).</summary>
        public string Template { get; }

        /// <summary><see cref="Template"/> encoded for the writer once, instead of on every call.</summary>
        public JsonEncodedText EncodedTemplate { get; }

        private string? _eventName;
        private JsonEncodedText _encodedEventName;

        /// <summary>The event name encoded (a call site has one; the last one seen is kept). Throws for invalid UTF-16.</summary>
        public JsonEncodedText EventName(string? name)
        {
            if (name is null)
            {
                return default;
            }

            if (!ReferenceEquals(name, _eventName))
            {
                _encodedEventName = JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
                _eventName = name;
            }

            return _encodedEventName;
        }

        /// <summary>The property keys, in state order, as first seen.</summary>
        public string[] Keys { get; }

        /// <summary>The sanitized keys, encoded for the writer's encoder.</summary>
        public JsonEncodedText[] Names { get; }

        /// <summary>The parsed template, or null when only the state's formatter can render it.</summary>
        public Segment[]? Segments { get; }

        /// <summary>Checks the keys once; the shape is unusable when the general path must handle them.</summary>
        public static Shape Create(string template, ReadOnlySpan<KeyValuePair<string, object?>> properties, PipelineSettings settings, EntryBuilder builder)
        {
            var unusable = new Shape(template, template, [], [], null, usable: false);
            if (properties.Length > settings.MaxProperties)
            {
                return unusable;
            }

            var keys = new string[properties.Length];
            var names = new JsonEncodedText[properties.Length];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < properties.Length; i++)
            {
                var key = properties[i].Key;
                if (string.IsNullOrEmpty(key) || EntryBuilder.IsWellKnown(key))
                {
                    return unusable;
                }

                var (safeKey, redacted) = builder.KeyInfo(key, settings);
                if (redacted || !seen.Add(safeKey))
                {
                    return unusable;
                }

                keys[i] = key;
                names[i] = JsonEncodedText.Encode(safeKey, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            }

            return new Shape(template, ValueSnapshot.Sanitize(template, settings.MaxMessageLength), keys, names, Parse(template, properties.Length));
        }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> properties)
        {
            if (properties.Length != Keys.Length)
            {
                return false;
            }

            for (var i = 0; i < properties.Length; i++)
            {
                if (!string.Equals(properties[i].Key, Keys[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Parses a MEL template into literal runs and holes (<c>{Name[,alignment][:format]}</c>, <c>{{</c> and <c>}}</c> as
        /// escapes). Returns null for anything unusual (no holes, a hole count that differs from the values, stray braces,
        /// an alignment that is not a plain integer): the state's own formatter then renders the message.
        /// </summary>
        private static Segment[]? Parse(string template, int valueCount)
        {
            if (valueCount == 0 || template.AsSpan().IndexOfAny('{', '}') < 0)
            {
                return null;
            }

            var segments = new List<Segment>();
            var literal = new System.Text.StringBuilder();
            var hole = 0;
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
                {
                    literal.Append(c);
                    i++;
                    continue;
                }

                if (c == '}')
                {
                    return null;
                }

                if (c != '{')
                {
                    literal.Append(c);
                    continue;
                }

                var end = template.IndexOf('}', i + 1);
                if (end < 0 || (end + 1 < template.Length && template[end + 1] == '}'))
                {
                    return null;
                }

                var spec = template.AsSpan(i + 1, end - i - 1);
                if (spec.IndexOf('{') >= 0 || spec.Length == 0)
                {
                    return null;
                }

                var nameEnd = spec.IndexOfAny(',', ':');
                var alignment = 0;
                string? format = null;
                if (nameEnd >= 0)
                {
                    var rest = spec[nameEnd..];
                    if (rest[0] == ',')
                    {
                        var colon = rest.IndexOf(':');
                        var digits = colon >= 0 ? rest[1..colon] : rest[1..];
                        if (!int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out alignment) || Math.Abs((long)alignment) > 1000)
                        {
                            return null;
                        }

                        rest = colon >= 0 ? rest[colon..] : [];
                    }

                    if (rest.Length > 0)
                    {
                        format = rest[1..].ToString();
                    }
                }

                if (literal.Length > 0)
                {
                    segments.Add(new Segment(literal.ToString(), 0, 0, null));
                    literal.Clear();
                }

                segments.Add(new Segment(null, hole++, alignment, format));
                i = end;
            }

            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), 0, 0, null));
            }

            return hole == valueCount ? [.. segments] : null;
        }
    }
}
