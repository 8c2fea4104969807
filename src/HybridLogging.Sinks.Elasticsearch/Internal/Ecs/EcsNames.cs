using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Ecs;

/// <summary>Pre-encoded ECS field names (encoded once, written as raw UTF-8 for every document).</summary>
internal static class EcsNames
{
    public const string EcsVersion = "8.11.0";

    public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("@timestamp");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Log = JsonEncodedText.Encode("log");
    public static readonly JsonEncodedText Level = JsonEncodedText.Encode("level");
    public static readonly JsonEncodedText Logger = JsonEncodedText.Encode("logger");
    public static readonly JsonEncodedText Ecs = JsonEncodedText.Encode("ecs");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText Service = JsonEncodedText.Encode("service");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Environment = JsonEncodedText.Encode("environment");
    public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    public static readonly JsonEncodedText Process = JsonEncodedText.Encode("process");
    public static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    public static readonly JsonEncodedText Trace = JsonEncodedText.Encode("trace");
    public static readonly JsonEncodedText Span = JsonEncodedText.Encode("span");
    public static readonly JsonEncodedText Transaction = JsonEncodedText.Encode("transaction");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    public static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText StackTrace = JsonEncodedText.Encode("stack_trace");
    public static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
    public static readonly JsonEncodedText Hybrid = JsonEncodedText.Encode("hybrid");
    public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    public static readonly JsonEncodedText EventName = JsonEncodedText.Encode("event_name");
    public static readonly JsonEncodedText MessageTemplate = JsonEncodedText.Encode("message_template");
    public static readonly JsonEncodedText CorrelationId = JsonEncodedText.Encode("correlation_id");
    public static readonly JsonEncodedText RequestId = JsonEncodedText.Encode("request_id");
    public static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");
    public static readonly JsonEncodedText SessionId = JsonEncodedText.Encode("session_id");
    public static readonly JsonEncodedText OperationType = JsonEncodedText.Encode("operation_type");
    public static readonly JsonEncodedText Routing = JsonEncodedText.Encode("routing");
    public static readonly JsonEncodedText Provider = JsonEncodedText.Encode("provider");
    public static readonly JsonEncodedText Fallback = JsonEncodedText.Encode("fallback");
    public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    public static readonly JsonEncodedText Performance = JsonEncodedText.Encode("performance");
    public static readonly JsonEncodedText LatencyMs = JsonEncodedText.Encode("latency_ms");
    public static readonly JsonEncodedText Throughput = JsonEncodedText.Encode("throughput");
    public static readonly JsonEncodedText ErrorRate = JsonEncodedText.Encode("error_rate");
    public static readonly JsonEncodedText Metadata = JsonEncodedText.Encode("metadata");
    public static readonly JsonEncodedText Properties = JsonEncodedText.Encode("properties");
    public static readonly JsonEncodedText FormatError = JsonEncodedText.Encode("format_error");

    /// <summary>ECS <c>log.level</c> values (lowercase, as Elastic's own loggers write them).</summary>
    public static readonly JsonEncodedText[] Levels =
    [
        JsonEncodedText.Encode("trace"),
        JsonEncodedText.Encode("debug"),
        JsonEncodedText.Encode("info"),
        JsonEncodedText.Encode("warn"),
        JsonEncodedText.Encode("error"),
        JsonEncodedText.Encode("critical"),
        JsonEncodedText.Encode("none"),
    ];
}
