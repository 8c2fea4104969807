using System.Text.Json.Serialization;

namespace HybridLogging.Sinks.CloudWatch.Internal.Client;

internal sealed record CreateLogGroupRequest(string LogGroupName);

internal sealed record CreateLogStreamRequest(string LogGroupName, string LogStreamName);

internal sealed record PutRetentionPolicyRequest(string LogGroupName, int RetentionInDays);

internal sealed class PutLogEventsResponse
{
    public string? NextSequenceToken { get; set; }

    public RejectedLogEventsInfo? RejectedLogEventsInfo { get; set; }
}

/// <summary>
/// Events the service refused in an accepted call, as indexes into the call's events: <c>[TooNewLogEventStartIndex, n)</c>
/// were too far in the future (start inclusive), <c>[0, TooOldLogEventEndIndex)</c> older than 14 days and
/// <c>[0, ExpiredLogEventEndIndex)</c> older than the group's retention (ends exclusive).
/// </summary>
internal sealed class RejectedLogEventsInfo
{
    public int? TooNewLogEventStartIndex { get; set; }

    public int? TooOldLogEventEndIndex { get; set; }

    public int? ExpiredLogEventEndIndex { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateLogGroupRequest))]
[JsonSerializable(typeof(CreateLogStreamRequest))]
[JsonSerializable(typeof(PutRetentionPolicyRequest))]
[JsonSerializable(typeof(PutLogEventsResponse))]
internal sealed partial class CloudWatchLogsJsonContext : JsonSerializerContext;
