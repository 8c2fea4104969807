using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HybridLogging.Formatting;

/// <summary>
/// Structured JSON, one object per line. Field names: timestamp, level, source, category, eventId, eventName, message,
/// messageTemplate, correlationId, requestId, userId, sessionId, traceId, spanId, operationType, duration (ms),
/// error{type, message, stackTrace, code, innerErrors}, performance{latency, throughput, errorRate},
/// routing{provider, fallback, reason}, metadata{}, properties{}.
/// </summary>
public sealed class JsonLogFormatter : LogEntryFormatter
{
    internal static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    internal static readonly JsonEncodedText LevelName = JsonEncodedText.Encode("level");
    internal static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    internal static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("category");
    internal static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("eventId");
    internal static readonly JsonEncodedText EventNameName = JsonEncodedText.Encode("eventName");
    internal static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    internal static readonly JsonEncodedText TemplateName = JsonEncodedText.Encode("messageTemplate");
    internal static readonly JsonEncodedText CorrelationIdName = JsonEncodedText.Encode("correlationId");
    internal static readonly JsonEncodedText RequestIdName = JsonEncodedText.Encode("requestId");
    internal static readonly JsonEncodedText UserIdName = JsonEncodedText.Encode("userId");
    internal static readonly JsonEncodedText SessionIdName = JsonEncodedText.Encode("sessionId");
    internal static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode("traceId");
    internal static readonly JsonEncodedText SpanIdName = JsonEncodedText.Encode("spanId");
    internal static readonly JsonEncodedText OperationTypeName = JsonEncodedText.Encode("operationType");
    internal static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration");
    internal static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");
    internal static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    internal static readonly JsonEncodedText StackTraceName = JsonEncodedText.Encode("stackTrace");
    internal static readonly JsonEncodedText CodeName = JsonEncodedText.Encode("code");
    internal static readonly JsonEncodedText InnerErrorsName = JsonEncodedText.Encode("innerErrors");
    internal static readonly JsonEncodedText PerformanceName = JsonEncodedText.Encode("performance");
    internal static readonly JsonEncodedText LatencyName = JsonEncodedText.Encode("latency");
    internal static readonly JsonEncodedText ThroughputName = JsonEncodedText.Encode("throughput");
    internal static readonly JsonEncodedText ErrorRateName = JsonEncodedText.Encode("errorRate");
    internal static readonly JsonEncodedText RoutingName = JsonEncodedText.Encode("routing");
    internal static readonly JsonEncodedText ProviderName = JsonEncodedText.Encode("provider");
    internal static readonly JsonEncodedText FallbackName = JsonEncodedText.Encode("fallback");
    internal static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");
    internal static readonly JsonEncodedText MetadataName = JsonEncodedText.Encode("metadata");
    internal static readonly JsonEncodedText PropertiesName = JsonEncodedText.Encode("properties");
    private static readonly byte[] Newline = "\n"u8.ToArray();

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // Logs are not HTML: keep non-ASCII readable; control characters and quotes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        MaxDepth = 64,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>The shared instance (the formatter keeps no state).</summary>
    public static JsonLogFormatter Instance { get; } = new();

    /// <summary>Key <c>json</c>: one JSON object per line in this layout.</summary>
    public override string Key => "json";

    /// <inheritdoc />
    public override void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Write(entry.ToLogEntry(), output, true);
    }

    private static void Write(LogEntry entry, IBufferWriter<byte> output, bool unused)
    {
        _ = unused;
        ArgumentNullException.ThrowIfNull(output);
        var writer = _writer ??= new Utf8JsonWriter(output, WriterOptions);
        writer.Reset(output);
        try
        {
            WriteEntry(writer, entry);
            writer.Flush();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // Whatever was buffered is discarded (Reset), so a half-written object never reaches the output.
            writer.Reset(output);
            WriteFallback(writer, entry, ex);
            writer.Flush();
        }

        output.Write(Newline);
    }

    private static void WriteEntry(Utf8JsonWriter writer, LogEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString(TimestampName, entry.Timestamp.UtcDateTime);
        writer.WriteString(LevelName, LogLevelNames.Get(entry.Level));
        writer.WriteString(SourceName, entry.Source);
        writer.WriteString(CategoryName, entry.Category);
        if (entry.EventId.Id != 0)
        {
            writer.WriteNumber(EventIdName, entry.EventId.Id);
        }

        if (entry.EventId.Name is { } eventName)
        {
            writer.WriteString(EventNameName, eventName);
        }

        writer.WriteString(MessageName, entry.Message);
        WriteOptional(writer, TemplateName, entry.MessageTemplate);
        WriteOptional(writer, CorrelationIdName, entry.CorrelationId);
        WriteOptional(writer, RequestIdName, entry.RequestId);
        WriteOptional(writer, UserIdName, entry.UserId);
        WriteOptional(writer, SessionIdName, entry.SessionId);
        WriteOptional(writer, TraceIdName, entry.TraceId);
        WriteOptional(writer, SpanIdName, entry.SpanId);
        WriteOptional(writer, OperationTypeName, entry.OperationType);
        if (entry.Duration is { } duration)
        {
            writer.WriteNumber(DurationName, Math.Round(duration.TotalMilliseconds, 3));
        }

        if (entry.Error is { } error)
        {
            writer.WritePropertyName(ErrorName);
            WriteError(writer, error, 0);
        }

        if (entry.Performance is { } performance)
        {
            writer.WriteStartObject(PerformanceName);
            WriteOptional(writer, LatencyName, performance.LatencyMs);
            WriteOptional(writer, ThroughputName, performance.Throughput);
            WriteOptional(writer, ErrorRateName, performance.ErrorRate);
            writer.WriteEndObject();
        }

        if (entry.Routing is { } routing)
        {
            writer.WriteStartObject(RoutingName);
            WriteOptional(writer, ProviderName, routing.Provider);
            WriteOptional(writer, FallbackName, routing.Fallback);
            WriteOptional(writer, ReasonName, routing.Reason);
            writer.WriteEndObject();
        }

        if (entry.Metadata is { Count: > 0 } metadata)
        {
            writer.WriteStartObject(MetadataName);
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        if (entry.Properties.Count > 0)
        {
            writer.WriteStartObject(PropertiesName);
            var properties = entry.Properties;
            for (var i = 0; i < properties.Count; i++)
            {
                // Indexed rather than foreach: enumerating an IReadOnlyList allocates an enumerator per entry.
                var (key, value) = properties[i];
                writer.WritePropertyName(key);
                WriteValue(writer, value, 0);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter writer, LogError error, int depth)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, error.Type);
        writer.WriteString(MessageName, error.Message);
        WriteOptional(writer, StackTraceName, error.StackTrace);
        WriteOptional(writer, CodeName, error.Code);
        if (error.InnerErrors.Count > 0 && depth < 8)
        {
            writer.WriteStartArray(InnerErrorsName);
            foreach (var inner in error.InnerErrors)
            {
                WriteError(writer, inner, depth + 1);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a snapshot value: primitives as JSON primitives, key/value arrays as objects, arrays as arrays.</summary>
    internal static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); return;
            case string s: writer.WriteStringValue(s); return;
            case bool b: writer.WriteBooleanValue(b); return;
            case int i: writer.WriteNumberValue(i); return;
            case long l: writer.WriteNumberValue(l); return;
            case short sh: writer.WriteNumberValue(sh); return;
            case byte by: writer.WriteNumberValue(by); return;
            case sbyte sb: writer.WriteNumberValue(sb); return;
            case ushort us: writer.WriteNumberValue(us); return;
            case uint ui: writer.WriteNumberValue(ui); return;
            case ulong ul: writer.WriteNumberValue(ul); return;
            case decimal m: writer.WriteNumberValue(m); return;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); return;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); return;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); return;
            case float f: writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime dt: writer.WriteStringValue(dt); return;
            case DateTimeOffset dto: writer.WriteStringValue(dto); return;
            case Guid g: writer.WriteStringValue(g); return;
            case TimeSpan ts: writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
        }

        if (depth >= 16)
        {
            writer.WriteStringValue(Internal.ValueSnapshot.DepthMarker);
            return;
        }

        switch (value)
        {
            case KeyValuePair<string, object?>[] pairs:
                writer.WriteStartObject();
                foreach (var (key, item) in pairs)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndObject();
                return;
            case object?[] items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                return;
            default:
                writer.WriteStringValue(Internal.ValueSnapshot.SafeToString(value, 8192));
                return;
        }
    }

    private static void WriteFallback(Utf8JsonWriter writer, LogEntry entry, Exception ex)
    {
        writer.WriteStartObject();
        writer.WriteString(TimestampName, entry.Timestamp.UtcDateTime);
        writer.WriteString(LevelName, LogLevelNames.Get(entry.Level));
        writer.WriteString(SourceName, Internal.ValueSnapshot.Sanitize(entry.Source, 256));
        writer.WriteString(MessageName, Internal.ValueSnapshot.Sanitize(entry.Message, 32 * 1024));
        writer.WriteString("formatError", ex.GetType().Name);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, double? value)
    {
        if (value is { } number)
        {
            if (double.IsFinite(number))
            {
                writer.WriteNumber(name, number);
            }
            else
            {
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
