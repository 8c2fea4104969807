namespace HybridLogging.Sinks.Kinesis.Internal.Api;

/// <summary>
/// The one Kinesis Data Streams operation the sink needs. Implemented over HTTP by <see cref="KinesisHttpApi"/>; kept
/// behind this interface so the official AWSSDK.Kinesis client (not in our package source today) can replace it, and
/// so tests can answer item by item.
/// </summary>
internal interface IKinesisApi
{
    /// <summary>
    /// Sends one PutRecords request. Returns the per-record answer (in request order) when the service accepted the
    /// request; throws <see cref="HybridLogging.Aws.AwsServiceException"/> when it rejected the whole request or could not
    /// be reached (error code <c>TransportError</c>), and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    ValueTask<PutRecordsResult> PutRecordsAsync(PutRecordsCall call, CancellationToken cancellationToken);
}

/// <summary>One record of a PutRecords request.</summary>
/// <param name="Data">The record's data (sent base64-encoded).</param>
/// <param name="PartitionKey">Its partition key (1–256 characters).</param>
internal readonly record struct PutRecordsEntry(ReadOnlyMemory<byte> Data, string PartitionKey);

/// <summary>A PutRecords request: the stream (by name or ARN) and up to 500 records.</summary>
internal readonly record struct PutRecordsCall(string? StreamName, string? StreamArn, ArraySegment<PutRecordsEntry> Records);

/// <summary>The answer to an accepted PutRecords request.</summary>
/// <param name="FailedRecordCount">How many records the service did not take.</param>
/// <param name="ErrorCodes">
/// Per record, in request order: null when written, else the service's <c>ErrorCode</c>
/// (<c>ProvisionedThroughputExceededException</c>, <c>InternalFailure</c>, ...).
/// </param>
internal sealed record PutRecordsResult(int FailedRecordCount, IReadOnlyList<string?> ErrorCodes);
