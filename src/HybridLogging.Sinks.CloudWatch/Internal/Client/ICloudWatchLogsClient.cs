namespace HybridLogging.Sinks.CloudWatch.Internal.Client;

/// <summary>
/// The CloudWatch Logs operations the sink uses, behind an interface so the official AWSSDK.CloudWatchLogs client can
/// replace <see cref="CloudWatchLogsClient"/> when it is available. Failures throw
/// <see cref="HybridLogging.Aws.AwsServiceException"/>.
/// </summary>
internal interface ICloudWatchLogsClient : IDisposable
{
    Task CreateLogGroupAsync(string logGroupName, CancellationToken cancellationToken);

    Task CreateLogStreamAsync(string logGroupName, string logStreamName, CancellationToken cancellationToken);

    Task PutRetentionPolicyAsync(string logGroupName, int retentionInDays, CancellationToken cancellationToken);

    /// <summary>Sends events already in chronological order and within every PutLogEvents limit.</summary>
    Task<RejectedLogEventsInfo?> PutLogEventsAsync(string logGroupName, string logStreamName, ReadOnlyMemory<InputLogEvent> events, CancellationToken cancellationToken);
}

/// <summary>One event of a PutLogEvents call: milliseconds since the Unix epoch, and the message in UTF-8.</summary>
internal readonly record struct InputLogEvent(long Timestamp, ReadOnlyMemory<byte> Message);
