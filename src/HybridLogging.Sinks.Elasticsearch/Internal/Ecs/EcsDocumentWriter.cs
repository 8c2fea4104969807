using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Ecs;

/// <summary>
/// The one writer of the ECS document shape: reads a <see cref="LogEntryView"/> and writes a JSON object plus <c>\n</c>
/// with <see cref="Utf8JsonWriter"/> (no general serializer per document). Stateless apart from the thread's writer.
/// </summary>
internal sealed class EcsDocumentWriter
{
    private const string TransactionIdProperty = "TransactionId";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Logs are not HTML: keep non-ASCII readable; control characters and quotes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        MaxDepth = 64,
    };

    private static readonly JsonEncodedText HostName = JsonEncodedText.Encode(SafeMachineName());
    private static readonly int ProcessId = Environment.ProcessId;
    private static readonly JsonEncodedText EcsVersion = JsonEncodedText.Encode(EcsNames.EcsVersion);

    private const int MaxRetainedScratch = 1024 * 1024;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadScratch;

    [ThreadStatic]
    private static List<string>? _threadNames;

    private readonly JsonEncodedText? _serviceName;
    private readonly JsonEncodedText? _serviceEnvironment;

    public EcsDocumentWriter(string? serviceName, string? serviceEnvironment)
    {
        _serviceName = serviceName is null ? null : JsonEncodedText.Encode(serviceName, WriterOptions.Encoder);
        _serviceEnvironment = serviceEnvironment is null ? null : JsonEncodedText.Encode(serviceEnvironment, WriterOptions.Encoder);
    }

    public void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        // The document is written to a per-thread scratch buffer and copied out only when complete: Utf8JsonWriter
        // commits to its output whenever it grows, so writing straight into the output could leave half a document
        // before the fallback one if a value is refused late in a large entry.
        var scratch = _threadScratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(scratch, WriterOptions);
        writer.Reset(scratch);
        try
        {
            WriteDocument(writer, entry);
            writer.Flush();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            scratch.ResetWrittenCount();
            writer.Reset(scratch);
            WriteFallback(writer, entry, ex);
            writer.Flush();
        }

        output.Write(scratch.WrittenSpan);
        output.Write("\n"u8);
        if (scratch.Capacity > MaxRetainedScratch)
        {
            // One huge entry must not pin a huge buffer on this thread for good.
            _threadScratch = null;
            _threadWriter = null;
        }
    }

    private void WriteDocument(Utf8JsonWriter writer, LogEntryView entry)
    {
        writer.WriteStartObject();
        writer.WriteString(EcsNames.Timestamp, entry.Timestamp.UtcDateTime);
        writer.WriteString(EcsNames.Message, entry.Message);

        writer.WriteStartObject(EcsNames.Log);
        writer.WriteString(EcsNames.Level, LevelName(entry.Level));
        writer.WriteString(EcsNames.Logger, entry.Category);
        writer.WriteEndObject();

        writer.WriteStartObject(EcsNames.Ecs);
        writer.WriteString(EcsNames.Version, EcsVersion);
        writer.WriteEndObject();

        WriteService(writer, entry);

        writer.WriteStartObject(EcsNames.Host);
        writer.WriteString(EcsNames.Name, HostName);
        writer.WriteEndObject();

        writer.WriteStartObject(EcsNames.Process);
        writer.WriteNumber(EcsNames.Pid, ProcessId);
        writer.WriteEndObject();

        WriteIdObject(writer, EcsNames.Trace, entry.TraceId);
        WriteIdObject(writer, EcsNames.Span, entry.SpanId);
        var transaction = FindTransactionId(entry);
        if (transaction >= 0)
        {
            writer.WriteStartObject(EcsNames.Transaction);
            writer.WritePropertyName(EcsNames.Id);
            EcsValues.WriteValue(writer, entry.PeekPropertyValue(transaction), 0);
            writer.WriteEndObject();
        }

        if (entry.DurationMs is not null || entry.EventId.Id != 0)
        {
            writer.WriteStartObject(EcsNames.Event);
            if (entry.DurationMs is { } ms)
            {
                // ECS event.duration is in nanoseconds (a long); clamp instead of overflowing for absurd durations.
                var nanoseconds = Math.Clamp(Math.Round(ms * 1_000_000d), 0d, long.MaxValue);
                writer.WriteNumber(EcsNames.Duration, (long)nanoseconds);
            }

            if (entry.EventId.Id != 0)
            {
                writer.WriteString(EcsNames.Code, entry.EventId.Id.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        if (entry.Error is { } error)
        {
            writer.WriteStartObject(EcsNames.Error);
            writer.WriteString(EcsNames.Type, error.Type);
            writer.WriteString(EcsNames.Message, error.Message);
            if (error.StackTrace is { } stackTrace)
            {
                writer.WriteString(EcsNames.StackTrace, stackTrace);
            }

            if ((entry.ErrorCode ?? error.Code) is { } code)
            {
                writer.WriteString(EcsNames.Code, code);
            }

            writer.WriteEndObject();
        }

        WriteLabels(writer, entry, transaction);
        WriteHybrid(writer, entry, transaction);
        writer.WriteEndObject();
    }

    private void WriteService(Utf8JsonWriter writer, LogEntryView entry)
    {
        var metadata = entry.Metadata;
        string? metadataName = null;
        string? metadataEnvironment = null;
        if (_serviceName is null)
        {
            metadata?.TryGetValue("service", out metadataName);
        }

        if (_serviceEnvironment is null)
        {
            metadata?.TryGetValue("environment", out metadataEnvironment);
        }

        if (_serviceName is null && metadataName is null && _serviceEnvironment is null && metadataEnvironment is null)
        {
            return;
        }

        writer.WriteStartObject(EcsNames.Service);
        if (_serviceName is { } fixedName)
        {
            writer.WriteString(EcsNames.Name, fixedName);
        }
        else if (metadataName is not null)
        {
            writer.WriteString(EcsNames.Name, metadataName);
        }

        if (_serviceEnvironment is { } fixedEnvironment)
        {
            writer.WriteString(EcsNames.Environment, fixedEnvironment);
        }
        else if (metadataEnvironment is not null)
        {
            writer.WriteString(EcsNames.Environment, metadataEnvironment);
        }

        writer.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter writer, LogEntryView entry, int skip)
    {
        List<string>? written = null;
        for (var i = 0; i < entry.PropertyCount; i++)
        {
            if (i == skip || entry.PeekPropertyValue(i) is not string value)
            {
                continue;
            }

            var key = EcsValues.SanitizeKey(entry.GetPropertyName(i));
            if (written is null)
            {
                written = _threadNames ??= [];
                written.Clear();
                writer.WriteStartObject(EcsNames.Labels);
            }
            else if (written.Contains(key))
            {
                // Elasticsearch rejects a document with a repeated key; the first value wins.
                continue;
            }

            written.Add(key);
            writer.WriteString(key, value);
        }

        if (written is not null)
        {
            writer.WriteEndObject();
        }
    }

    private static void WriteHybrid(Utf8JsonWriter writer, LogEntryView entry, int skip)
    {
        writer.WriteStartObject(EcsNames.Hybrid);
        writer.WriteString(EcsNames.Source, entry.Source);
        if (entry.EventId.Name is { } eventName)
        {
            writer.WriteString(EcsNames.EventName, eventName);
        }

        WriteOptional(writer, EcsNames.MessageTemplate, entry.MessageTemplate);
        WriteOptional(writer, EcsNames.CorrelationId, entry.CorrelationId);
        WriteOptional(writer, EcsNames.RequestId, entry.RequestId);
        WriteOptional(writer, EcsNames.UserId, entry.UserId);
        WriteOptional(writer, EcsNames.SessionId, entry.SessionId);
        WriteOptional(writer, EcsNames.OperationType, entry.OperationType);
        if (entry.HasRouting)
        {
            writer.WriteStartObject(EcsNames.Routing);
            WriteOptional(writer, EcsNames.Provider, entry.Provider);
            WriteOptional(writer, EcsNames.Fallback, entry.Fallback);
            WriteOptional(writer, EcsNames.Reason, entry.RoutingReason);
            writer.WriteEndObject();
        }

        if (entry.HasPerformance)
        {
            writer.WriteStartObject(EcsNames.Performance);
            WriteOptional(writer, EcsNames.LatencyMs, entry.LatencyMs);
            WriteOptional(writer, EcsNames.Throughput, entry.Throughput);
            WriteOptional(writer, EcsNames.ErrorRate, entry.ErrorRate);
            writer.WriteEndObject();
        }

        if (entry.Metadata is { Count: > 0 } metadata)
        {
            writer.WriteStartObject(EcsNames.Metadata);
            var names = _threadNames ??= [];
            names.Clear();
            foreach (var (key, value) in metadata)
            {
                var name = EcsValues.SanitizeKey(key);
                if (!names.Contains(name))
                {
                    names.Add(name);
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        WriteOtherProperties(writer, entry, skip);
        writer.WriteEndObject();
    }

    private static void WriteOtherProperties(Utf8JsonWriter writer, LogEntryView entry, int skip)
    {
        List<string>? written = null;
        for (var i = 0; i < entry.PropertyCount; i++)
        {
            var value = entry.PeekPropertyValue(i);
            if (i == skip || value is string)
            {
                continue;
            }

            var key = EcsValues.SanitizeKey(entry.GetPropertyName(i));
            if (written is null)
            {
                written = _threadNames ??= [];
                written.Clear();
                writer.WriteStartObject(EcsNames.Properties);
            }
            else if (written.Contains(key))
            {
                continue;
            }

            written.Add(key);
            writer.WritePropertyName(key);
            EcsValues.WriteValue(writer, value, 0);
        }

        if (written is not null)
        {
            writer.WriteEndObject();
        }
    }

    private static void WriteFallback(Utf8JsonWriter writer, LogEntryView entry, Exception ex)
    {
        writer.WriteStartObject();
        writer.WriteString(EcsNames.Timestamp, entry.Timestamp.UtcDateTime);
        writer.WriteString(EcsNames.Message, EcsValues.Sanitize(entry.Message));
        writer.WriteStartObject(EcsNames.Log);
        writer.WriteString(EcsNames.Level, LevelName(entry.Level));
        writer.WriteString(EcsNames.Logger, EcsValues.Sanitize(entry.Category));
        writer.WriteEndObject();
        writer.WriteStartObject(EcsNames.Hybrid);
        writer.WriteString(EcsNames.FormatError, ex.GetType().Name);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static JsonEncodedText LevelName(LogLevel level) =>
        EcsNames.Levels[(uint)level < (uint)EcsNames.Levels.Length ? (int)level : EcsNames.Levels.Length - 1];

    /// <summary>Index of the first property named <c>TransactionId</c> (any case) holding a string or a Guid, or -1: it becomes <c>transaction.id</c>.</summary>
    private static int FindTransactionId(LogEntryView entry)
    {
        for (var i = 0; i < entry.PropertyCount; i++)
        {
            var name = entry.GetPropertyName(i);
            if (name.Length == TransactionIdProperty.Length && string.Equals(name, TransactionIdProperty, StringComparison.OrdinalIgnoreCase) &&
                entry.PeekPropertyValue(i) is string or Guid)
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteIdObject(Utf8JsonWriter writer, JsonEncodedText name, string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            writer.WriteStartObject(name);
            writer.WriteString(EcsNames.Id, id);
            writer.WriteEndObject();
        }
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
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
    }

    private static string SafeMachineName()
    {
        try
        {
            return Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }
}
