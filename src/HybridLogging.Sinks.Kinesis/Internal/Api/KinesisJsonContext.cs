using System.Text.Json.Serialization;

namespace HybridLogging.Sinks.Kinesis.Internal.Api;

/// <summary>The PutRecords response: <c>{"FailedRecordCount": n, "Records": [{"SequenceNumber", "ShardId"} | {"ErrorCode", "ErrorMessage"}]}</c>.</summary>
internal sealed class PutRecordsResponse
{
    public int FailedRecordCount { get; set; }

    public List<PutRecordsResultEntry>? Records { get; set; }
}

/// <summary>One record's answer: a sequence number when written, an error code when not.</summary>
internal sealed class PutRecordsResultEntry
{
    public string? SequenceNumber { get; set; }

    public string? ShardId { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }
}

/// <summary>Source-generated (reflection-free, AOT-safe) JSON metadata for the responses the sink reads.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(PutRecordsResponse))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext;
