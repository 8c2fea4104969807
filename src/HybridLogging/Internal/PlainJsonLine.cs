using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HybridLogging.Internal;

/// <summary>
/// Writes the direct path's JSON line by hand when every piece of text in it is plain ASCII that needs no escaping and
/// every value is a number, a bool or null: the common shape of a <c>[LoggerMessage]</c> call. The bytes are exactly
/// what <see cref="Utf8JsonWriter"/> writes (the equivalence property tests cover both); anything else returns false
/// and the caller uses the writer.
/// </summary>
/// <remarks>
/// Written by hand because, per entry, the general-purpose writer's validation, state tracking and per-string escaping
/// checks were most of the dispatcher's formatting time; names and constant text here are encoded once and copied.
/// </remarks>
internal static class PlainJsonLine
{
    // Trace..None, from the names the formatters use.
    private static readonly JsonEncodedText[] LevelValues =
        [.. Enumerable.Range(0, 7).Select(level => JsonEncodedText.Encode(LogLevelNames.Get((Microsoft.Extensions.Logging.LogLevel)level)))];

    /// <summary>Printable ASCII the writer's encoder leaves as it is (computed from the encoder, not assumed).</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(PlainCharacters());

    public static bool IsPlain(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Plain);

    /// <summary>The level's JSON name, encoded once.</summary>
    public static JsonEncodedText LevelValue(Microsoft.Extensions.Logging.LogLevel level) =>
        LevelValues[Math.Clamp((int)level, 0, LevelValues.Length - 1)];

    /// <summary>Writes the line, or returns false (nothing written) when a piece needs the writer.</summary>
    public static bool TryWrite(
        IBufferWriter<byte> output,
        PendingEntry pending,
        in EncodedHead head,
        ReadOnlySpan<byte> encodedTemplate,
        ReadOnlySpan<byte> metadata,
        ReadOnlySpan<char> message,
        ReadOnlySpan<Range> holes,
        ReadOnlySpan<JsonEncodedText> names,
        ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        if (!IsPlain(message))
        {
            return false;
        }

        var correlation = pending.Correlation;
        if (correlation is not null &&
            !(IsPlain(correlation.CorrelationId) && IsPlain(correlation.RequestId) && IsPlain(correlation.UserId) &&
              IsPlain(correlation.SessionId) && IsPlain(correlation.OperationType)))
        {
            return false;
        }

        var bound = 320 + message.Length + encodedTemplate.Length + head.Category.EncodedUtf8Bytes.Length +
            head.Source.EncodedUtf8Bytes.Length + head.EventName.EncodedUtf8Bytes.Length + metadata.Length;
        if (correlation is not null)
        {
            bound += Length(correlation.CorrelationId) + Length(correlation.RequestId) + Length(correlation.UserId) +
                Length(correlation.SessionId) + Length(correlation.OperationType);
        }

        for (var i = 0; i < values.Length; i++)
        {
            bound += names[i].EncodedUtf8Bytes.Length + 40;
            switch (values[i].Value)
            {
                case null or bool or int or long or short or byte or sbyte or ushort or uint or ulong:
                    break;
                case double d when double.IsFinite(d):
                    break;
                case float f when float.IsFinite(f):
                    break;
                case string s when IsPlain(s):
                    bound += s.Length;
                    break;
                default:
                    return false;
            }
        }

        var line = new LineBuilder(output.GetSpan(bound));
        line.Raw("{\"timestamp\":\""u8);
        line.Timestamp(pending.TimestampTicks);
        line.Raw("\",\"level\":\""u8);
        line.Raw(LevelValue(pending.Level).EncodedUtf8Bytes);
        line.Raw("\",\"source\":\""u8);
        line.Raw(head.Source.EncodedUtf8Bytes);
        line.Raw("\",\"category\":\""u8);
        line.Raw(head.Category.EncodedUtf8Bytes);
        line.Raw("\""u8);
        if (pending.EventId.Id != 0)
        {
            line.Raw(",\"eventId\":"u8);
            line.Number(pending.EventId.Id);
        }

        if (pending.EventId.Name is not null)
        {
            line.Raw(",\"eventName\":\""u8);
            line.Raw(head.EventName.EncodedUtf8Bytes);
            line.Raw("\""u8);
        }

        line.Raw(",\"message\":\""u8);
        line.Ascii(message);
        line.Raw("\",\"messageTemplate\":\""u8);
        line.Raw(encodedTemplate);
        line.Raw("\""u8);

        Span<char> traceId = stackalloc char[32];
        Span<char> spanId = stackalloc char[16];
        pending.TryFormatTraceIds(traceId, spanId);

        if (correlation?.CorrelationId is { } correlationId)
        {
            line.Field(",\"correlationId\":\""u8, correlationId);
        }
        else if (pending.HasActivity)
        {
            line.Field(",\"correlationId\":\""u8, traceId);
        }

        if (correlation is not null)
        {
            line.Field(",\"requestId\":\""u8, correlation.RequestId);
            line.Field(",\"userId\":\""u8, correlation.UserId);
            line.Field(",\"sessionId\":\""u8, correlation.SessionId);
        }

        if (pending.HasActivity)
        {
            line.Field(",\"traceId\":\""u8, traceId);
            line.Field(",\"spanId\":\""u8, spanId);
        }

        if (correlation is not null)
        {
            line.Field(",\"operationType\":\""u8, correlation.OperationType);
        }

        line.Raw(metadata);
        if (values.Length > 0)
        {
            line.Raw(",\"properties\":{"u8);
            for (var i = 0; i < values.Length; i++)
            {
                line.Raw(i == 0 ? "\""u8 : ",\""u8);
                line.Raw(names[i].EncodedUtf8Bytes);
                line.Raw("\":"u8);
                switch (values[i].Value)
                {
                    case null: line.Raw("null"u8); break;
                    case bool b: line.Raw(b ? "true"u8 : "false"u8); break;
                    case int v: line.Number(v); break;
                    case long v: line.Number(v); break;
                    case short v: line.Number(v); break;
                    case byte v: line.Number(v); break;
                    case sbyte v: line.Number(v); break;
                    case ushort v: line.Number(v); break;
                    case uint v: line.Number(v); break;
                    case ulong v: line.Number(v); break;
                    // The message holds the same shortest round-trip text when the hole had no format: copy it.
                    case double v when holes[i].End.Value > 0: line.Ascii(message[holes[i]]); break;
                    case float v when holes[i].End.Value > 0: line.Ascii(message[holes[i]]); break;
                    case double v: line.Number(v); break;
                    case float v: line.Number(v); break;
                    case string s:
                        line.Raw("\""u8);
                        line.Ascii(s);
                        line.Raw("\""u8);
                        break;
                }
            }

            line.Raw("}"u8);
        }

        line.Raw("}\n"u8);
        output.Advance(line.Position);
        return true;
    }

    private static bool IsPlain(string? text) => text is null || IsPlain(text.AsSpan());

    private static int Length(string? text) => text is null ? 0 : text.Length + 24;

    private static char[] PlainCharacters()
    {
        var plain = new List<char>();
        Span<byte> one = stackalloc byte[1];
        for (var c = 0x20; c < 0x7F; c++)
        {
            one[0] = (byte)c;
            if (c != '"' && c != '\\' && JavaScriptEncoder.UnsafeRelaxedJsonEscaping.FindFirstCharacterToEncodeUtf8(one) < 0)
            {
                plain.Add((char)c);
            }
        }

        return [.. plain];
    }

    /// <summary>Category, source and event name encoded once per category or call site.</summary>
    internal readonly record struct EncodedHead(JsonEncodedText Category, JsonEncodedText Source, JsonEncodedText EventName);

    [ThreadStatic]
    private static long _cachedSecond;

    [ThreadStatic]
    private static byte[]? _cachedPrefix;

    private ref struct LineBuilder(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void Raw(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Position..]);
            Position += bytes.Length;
        }

        /// <summary>Plain text only (checked by the caller): one byte per character.</summary>
        public void Ascii(scoped ReadOnlySpan<char> text)
        {
            Position += Encoding.ASCII.GetBytes(text, _buffer[Position..]);
        }

        public void Field(scoped ReadOnlySpan<byte> prefix, scoped ReadOnlySpan<char> value)
        {
            Raw(prefix);
            Ascii(value);
            Raw("\""u8);
        }

        public void Field(scoped ReadOnlySpan<byte> prefix, string? value)
        {
            if (value is not null)
            {
                Field(prefix, value.AsSpan());
            }
        }

        public void Number<T>(T value)
            where T : IUtf8SpanFormattable
        {
            value.TryFormat(_buffer[Position..], out var written, default, CultureInfo.InvariantCulture);
            Position += written;
        }

        /// <summary>
        /// ISO 8601 round-trip format (UTC) with trailing zeros of the fraction removed, as the JSON writer writes it. The
        /// "yyyy-MM-ddTHH:mm:ss" part is formatted once per second and reused (dispatcher thread only).
        /// </summary>
        public void Timestamp(long ticks)
        {
            var second = ticks - (ticks % TimeSpan.TicksPerSecond);
            var prefix = _cachedPrefix;
            if (prefix is null || second != _cachedSecond)
            {
                prefix = _cachedPrefix = new byte[40];
                Utf8Formatter.TryFormat(new DateTime(second, DateTimeKind.Utc), prefix, out _, new StandardFormat('O'));
                _cachedSecond = second;
            }

            var span = _buffer[Position..];
            prefix.AsSpan(0, 19).CopyTo(span);
            var fraction = (int)(ticks - second);
            var end = 19;
            if (fraction != 0)
            {
                span[19] = (byte)'.';
                for (var i = 26; i >= 20; i--)
                {
                    span[i] = (byte)('0' + (fraction % 10));
                    fraction /= 10;
                }

                end = 27;
                while (span[end - 1] == (byte)'0')
                {
                    end--;
                }
            }

            span[end] = (byte)'Z';
            Position += end + 1;
        }
    }
}
