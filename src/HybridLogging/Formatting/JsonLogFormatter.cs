using System.Buffers;
using System.Globalization;
using HybridLogging.Formatting.Internal;
using HybridLogging.Internal;

namespace HybridLogging.Formatting;

/// <summary>
/// The project's JSON layout, one object per line, and its only writer. Fields in order: timestamp, level, source,
/// category, eventId, eventName, message, messageTemplate, correlationId, requestId, userId, sessionId, traceId, spanId,
/// operationType, duration (ms), error{type, message, stackTrace, code, innerErrors}, performance{latency, throughput,
/// errorRate}, routing{provider, fallback, reason}, metadata{}, properties{}. Absent values are left out.
/// </summary>
/// <remarks>
/// Non-finite numbers (NaN, ±Infinity) in properties are written as strings, since JSON has no such numbers; control
/// characters, quotes and backslashes in text are escaped, so one entry is always exactly one line.
/// </remarks>
public sealed class JsonLogFormatter : LogEntryFormatter
{
    private const int MaxValueDepth = 16;
    private const int MaxErrorDepth = 8;

    private static readonly byte[][] LevelNames =
        [.. Enumerable.Range(0, 7).Select(level => System.Text.Encoding.UTF8.GetBytes(LogLevelNames.Get((Microsoft.Extensions.Logging.LogLevel)level)))];

    /// <summary>The shared instance (the formatter keeps no state).</summary>
    public static JsonLogFormatter Instance { get; } = new();

    /// <summary>Key <c>json</c>: one JSON object per line in this layout.</summary>
    public override string Key => "json";

    /// <inheritdoc />
    public override void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(output);
        var w = new Utf8Writer(output, 256 + (entry.MessageLength * 2) + (entry.PropertyCount * 48));
        w.Raw("{\"timestamp\":\""u8);
        w.Timestamp(entry.TimestampTicks);
        w.Raw("\",\"level\":\""u8);
        w.Raw(LevelNames[Math.Clamp((int)entry.Level, 0, LevelNames.Length - 1)]);
        w.Raw("\",\"source\":\""u8);
        var names = entry.Names;
        if (names is not null && ReferenceEquals(names.Source, entry.Source))
        {
            w.Raw(names.EncodedSource);
        }
        else
        {
            w.Escaped(entry.Source);
        }

        w.Raw("\",\"category\":\""u8);
        if (names is not null && ReferenceEquals(names.Category, entry.Category))
        {
            w.Raw(names.EncodedCategory);
        }
        else
        {
            w.Escaped(entry.Category);
        }

        w.Byte((byte)'"');
        if (entry.EventId.Id != 0)
        {
            w.Raw(",\"eventId\":"u8);
            w.Number(entry.EventId.Id);
        }

        var shape = entry.Shape;
        Field(ref w, ",\"eventName\":\""u8, entry.EventId.Name, shape?.EncodedEventName(entry.EventId.Name));
        w.Raw(",\"message\":\""u8);
        w.Escaped(entry.Message);
        w.Byte((byte)'"');
        Field(ref w, ",\"messageTemplate\":\""u8, entry.MessageTemplate, shape is not null && ReferenceEquals(shape.OutputTemplate, entry.MessageTemplate) ? shape.EncodedOutputTemplate : null);
        if (entry.GeneratedCorrelation is { } context && context.TryGetGeneratedId(out var generated))
        {
            // The id's digits straight from the GUID: the request's id text is never made for the line.
            w.Raw(",\"correlationId\":\""u8);
            w.GuidDigits(generated);
            w.Byte((byte)'"');
        }
        else
        {
            Field(ref w, ",\"correlationId\":\""u8, entry.CorrelationId);
        }
        Field(ref w, ",\"requestId\":\""u8, entry.RequestId);
        Field(ref w, ",\"userId\":\""u8, entry.UserId);
        Field(ref w, ",\"sessionId\":\""u8, entry.SessionId);
        Field(ref w, ",\"traceId\":\""u8, entry.TraceId);
        Field(ref w, ",\"spanId\":\""u8, entry.SpanId);
        Field(ref w, ",\"operationType\":\""u8, entry.OperationType);
        if (entry.DurationMs is { } duration)
        {
            w.Raw(",\"duration\":"u8);
            if (entry.DurationText is { IsEmpty: false } durationText)
            {
                w.Escaped(durationText); // the same number's text from the message
            }
            else
            {
                w.Double(Math.Round(duration, 3));
            }
        }

        if (entry.Error is { } error)
        {
            w.Raw(",\"error\":"u8);
            WriteError(ref w, error, 0);
        }

        if (entry.HasPerformance)
        {
            w.Raw(",\"performance\":{"u8);
            var first = true;
            if (entry.LatencyText is { IsEmpty: false } latencyText)
            {
                w.Raw("\"latency\":"u8);
                w.Escaped(latencyText);
                first = false;
            }
            else
            {
                Number(ref w, "\"latency\":"u8, entry.LatencyMs, ref first);
            }
            Number(ref w, "\"throughput\":"u8, entry.Throughput, ref first);
            Number(ref w, "\"errorRate\":"u8, entry.ErrorRate, ref first);
            w.Byte((byte)'}');
        }

        if (entry.HasRouting)
        {
            w.Raw(",\"routing\":{"u8);
            var first = true;
            Member(ref w, "\"provider\":\""u8, entry.Provider, ref first);
            Member(ref w, "\"fallback\":\""u8, entry.Fallback, ref first);
            Member(ref w, "\"reason\":\""u8, entry.RoutingReason, ref first);
            w.Byte((byte)'}');
        }

        if (entry.Metadata is { Count: > 0 } metadata)
        {
            w.Raw(",\"metadata\":{"u8);
            var first = true;
            foreach (var (key, value) in metadata)
            {
                if (!first)
                {
                    w.Byte((byte)',');
                }

                first = false;
                w.QuotedString(key);
                w.Byte((byte)':');
                w.QuotedString(value);
            }

            w.Byte((byte)'}');
        }

        if (entry.PropertyCount > 0)
        {
            w.Raw(",\"properties\":{"u8);
            for (var i = 0; i < entry.PropertyCount; i++)
            {
                w.Raw(i == 0 ? "\""u8 : ",\""u8);
                if (entry.GetEncodedName(i) is { } encoded)
                {
                    w.Raw(encoded);
                }
                else
                {
                    w.Escaped(entry.GetPropertyName(i));
                }

                w.Raw("\":"u8);
                if (entry.NumberText(i) is { IsEmpty: false } text)
                {
                    w.Escaped(text); // a finite double's text from the message: digits, '.', '-', 'E', '+' only
                }
                else
                {
                    WriteValue(ref w, entry.PeekPropertyValue(i), 0);
                }
            }

            w.Byte((byte)'}');
        }

        w.Raw("}\n"u8);
        w.Flush();
    }

    private static void Field(ref Utf8Writer w, ReadOnlySpan<byte> prefix, string? value, byte[]? encoded = null)
    {
        if (value is not null)
        {
            w.Raw(prefix);
            if (encoded is not null)
            {
                w.Raw(encoded); // the value's own bytes, encoded once (the view's category state or template shape)
            }
            else
            {
                w.Escaped(value);
            }

            w.Byte((byte)'"');
        }
    }

    private static void Member(ref Utf8Writer w, ReadOnlySpan<byte> prefix, string? value, ref bool first)
    {
        if (value is null)
        {
            return;
        }

        if (!first)
        {
            w.Byte((byte)',');
        }

        first = false;
        w.Raw(prefix);
        w.Escaped(value);
        w.Byte((byte)'"');
    }

    private static void Number(ref Utf8Writer w, ReadOnlySpan<byte> prefix, double? value, ref bool first)
    {
        if (value is not { } number)
        {
            return;
        }

        if (!first)
        {
            w.Byte((byte)',');
        }

        first = false;
        w.Raw(prefix);
        WriteDouble(ref w, number);
    }

    private static void WriteError(ref Utf8Writer w, LogError error, int depth)
    {
        w.Raw("{\"type\":"u8);
        w.QuotedString(error.Type);
        w.Raw(",\"message\":"u8);
        w.QuotedString(error.Message);
        Field(ref w, ",\"stackTrace\":\""u8, error.StackTrace);
        Field(ref w, ",\"code\":\""u8, error.Code);
        if (error.InnerErrors.Count > 0 && depth < MaxErrorDepth)
        {
            w.Raw(",\"innerErrors\":["u8);
            for (var i = 0; i < error.InnerErrors.Count; i++)
            {
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                WriteError(ref w, error.InnerErrors[i], depth + 1);
            }

            w.Byte((byte)']');
        }

        w.Byte((byte)'}');
    }

    private static void WriteDouble(ref Utf8Writer w, double value)
    {
        if (double.IsFinite(value))
        {
            w.Double(value);
        }
        else
        {
            w.QuotedString(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes a snapshot value: primitives as JSON primitives, key/value arrays as objects, arrays as arrays.</summary>
    private static void WriteValue(ref Utf8Writer w, object? value, int depth)
    {
        switch (value)
        {
            case null: w.Raw("null"u8); return;
            case string s: w.QuotedString(s); return;
            case bool b: w.Raw(b ? "true"u8 : "false"u8); return;
            case int i: w.Number(i); return;
            case long l: w.Number(l); return;
            case short sh: w.Number(sh); return;
            case byte by: w.Number(by); return;
            case sbyte sb: w.Number(sb); return;
            case ushort us: w.Number(us); return;
            case uint ui: w.Number(ui); return;
            case ulong ul: w.Number(ul); return;
            case decimal m: w.Number(m); return;
            case double d: WriteDouble(ref w, d); return;
            case float f when float.IsFinite(f): w.Number(f); return;
            case float f: w.QuotedString(f.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime dt: Quoted(ref w, dt, "O"); return;
            case DateTimeOffset dto: Quoted(ref w, dto, "O"); return;
            case Guid g: Quoted(ref w, g, "D"); return;
            case TimeSpan ts: Quoted(ref w, ts, "c"); return;
        }

        if (depth >= MaxValueDepth)
        {
            w.QuotedString(ValueSnapshot.DepthMarker);
            return;
        }

        switch (value)
        {
            case KeyValuePair<string, object?>[] pairs:
                w.Byte((byte)'{');
                for (var i = 0; i < pairs.Length; i++)
                {
                    if (i > 0)
                    {
                        w.Byte((byte)',');
                    }

                    w.QuotedString(pairs[i].Key ?? string.Empty);
                    w.Byte((byte)':');
                    WriteValue(ref w, pairs[i].Value, depth + 1);
                }

                w.Byte((byte)'}');
                return;
            case object?[] items:
                w.Byte((byte)'[');
                for (var i = 0; i < items.Length; i++)
                {
                    if (i > 0)
                    {
                        w.Byte((byte)',');
                    }

                    WriteValue(ref w, items[i], depth + 1);
                }

                w.Byte((byte)']');
                return;
            default:
                w.QuotedString(ValueSnapshot.SafeToString(value, 8192));
                return;
        }
    }

    private static void Quoted<T>(ref Utf8Writer w, T value, string format)
        where T : ISpanFormattable
    {
        w.Byte((byte)'"');
        w.Formatted(value, format);
        w.Byte((byte)'"');
    }
}
