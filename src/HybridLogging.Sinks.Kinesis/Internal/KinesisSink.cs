using HybridLogging.Aws;
using HybridLogging.Formatting;
using HybridLogging.Sinks.Kinesis.Internal.Api;
using HybridLogging.Sinks.Kinesis.Internal.Records;

namespace HybridLogging.Sinks.Kinesis.Internal;

/// <summary>
/// Kinesis Data Streams sink: packs a batch of JSON lines into records (<see cref="RecordPacker"/>), sends them in
/// PutRecords requests within the count and size limits, and marks each entry by the service's answer: records with an
/// <c>ErrorCode</c> are retried, a rejected request is split to find the record at fault, and a request that fails as a
/// whole stops the batch (its entries and the unsent ones are retried after the destination's backoff).
/// </summary>
internal sealed class KinesisSink : IFormattedLogSink, IReportsBytes
{
    /// <summary>Failure reason of a record the service refused on its own (invalid for the stream).</summary>
    public const string RejectedReason = "rejected";

    private readonly string _name;
    private readonly KinesisSinkOptions _options;
    private readonly IKinesisApi _api;
    private readonly IDisposable? _apiOwner;
    private readonly RecordPacker _packer;
    private readonly PutRecordsEntry[] _entries;
    private long _bytesWritten;

    // Progress of the current batch: requests the service accepted, and the first record not yet answered for
    // (requests, including the halves of a split one, complete in record order).
    private int _acceptedRequests;
    private int _answeredThrough;

    public KinesisSink(string name, KinesisSinkOptions options, IKinesisApi api)
    {
        _name = name;
        _options = options.Clone();
        _api = api;
        _apiOwner = api as IDisposable;
        _packer = new RecordPacker(_options);
        _entries = new PutRecordsEntry[_options.MaxRecordsPerRequest];
    }

    /// <inheritdoc />
    public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

    /// <summary>The sink's settings (a copy taken at construction).</summary>
    internal KinesisSinkOptions Options => _options;

    /// <inheritdoc />
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    private string StreamLabel => _options.StreamArn ?? _options.StreamName ?? "?";

    /// <inheritdoc />
    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tooLarge = _packer.Pack(batch);
        if (tooLarge > 0)
        {
            Report("tooLarge",
                $"Kinesis sink '{_name}': {tooLarge} entries did not fit in a record of MaxRecordBytes ({_options.MaxRecordBytes} bytes, counting the partition key) and were failed (reason '{RecordPacker.TooLargeReason}').");
        }

        var records = _packer.Records;
        _acceptedRequests = 0;
        _answeredThrough = 0;
        for (var next = 0; next < records.Count;)
        {
            // Greedy request: up to MaxRecordsPerRequest records and MaxRequestBytes of data plus keys. A record never
            // exceeds MaxRecordBytes <= MaxRequestBytes, so each request takes at least one.
            var end = next;
            long bytes = 0;
            while (end < records.Count && end - next < _options.MaxRecordsPerRequest && bytes + records[end].Size <= _options.MaxRequestBytes)
            {
                bytes += records[end].Size;
                end++;
            }

            try
            {
                await SendAsync(batch, next, end - next, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsRequestFailure(e))
            {
                var reason = ReportRequestFailure(e);
                batch.AddCount("requestFailed");
                if (_acceptedRequests == 0)
                {
                    // Nothing of this batch reached the stream: the whole batch is retried, as for any sink that throws.
                    throw;
                }

                // Part of the batch is already in the stream: retry only what was not sent, so nothing is duplicated.
                for (var r = _answeredThrough; r < records.Count; r++)
                {
                    RetryMembers(batch, records[r], reason);
                }

                return;
            }

            next = end;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _apiOwner?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends records [start, start+count) of the packer in one request (or, when refused, in halves) and marks their entries.</summary>
    private async Task SendAsync(LogRecordBatch batch, int start, int count, CancellationToken cancellationToken)
    {
        var records = _packer.Records;
        for (var i = 0; i < count; i++)
        {
            var record = records[start + i];
            _entries[i] = new PutRecordsEntry(record.Data, record.PartitionKey);
        }

        PutRecordsResult result;
        try
        {
            var call = new PutRecordsCall(_options.StreamArn is null ? _options.StreamName : null, _options.StreamArn, new ArraySegment<PutRecordsEntry>(_entries, 0, count));
            result = await _api.PutRecordsAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (KinesisErrors.Classify(e) == KinesisErrorKind.InvalidRequest)
        {
            if (count == 1)
            {
                // The service refuses this record on its own (for example larger than the stream's maximum record
                // size): retrying cannot help.
                Report("rejected",
                    $"Kinesis sink '{_name}': stream '{StreamLabel}' refused a record of {records[start].Size} bytes holding {records[start].MemberCount} entries ({e.ErrorCode}: {e.ServiceMessage}); its entries were failed (reason '{RejectedReason}'). Is MaxRecordBytes above the stream's maximum record size?");
                foreach (var member in _packer.MembersOf(records[start]))
                {
                    batch.Fail(member, RejectedReason);
                }

                _answeredThrough = start + 1;
                return;
            }

            // One bad record fails the whole request: split it until the bad ones are alone (at most 9 halvings for 500).
            batch.AddCount("isolated");
            var half = count / 2;
            await SendAsync(batch, start, half, cancellationToken).ConfigureAwait(false);
            await SendAsync(batch, start + half, count - half, cancellationToken).ConfigureAwait(false);
            return;
        }
        finally
        {
            Array.Clear(_entries, 0, count);
        }

        if (result.ErrorCodes.Count != count)
        {
            throw new AwsServiceException("InvalidResponse", System.Net.HttpStatusCode.OK, $"PutRecords answered for {result.ErrorCodes.Count} records, {count} were sent");
        }

        long bytes = 0;
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            var record = records[start + i];
            if (result.ErrorCodes[i] is { } errorCode)
            {
                var reason = KinesisErrors.RecordRetryReason(errorCode);
                batch.AddCount(reason, record.MemberCount);
                RetryMembers(batch, record, reason);
            }
            else
            {
                bytes += record.Size;
                written++;
            }
        }

        Interlocked.Add(ref _bytesWritten, bytes);
        batch.AddCount("requests");
        batch.AddCount("records", written);
        _acceptedRequests++;
        _answeredThrough = start + count;
    }

    private void RetryMembers(LogRecordBatch batch, in PackedRecord record, string reason)
    {
        foreach (var member in _packer.MembersOf(record))
        {
            if (batch.GetOutcome(member) == LogRecordOutcome.Written)
            {
                batch.Retry(member, reason);
            }
        }
    }

    /// <summary>
    /// Reports on the self-log, rate-limited there by a kind per sink, stream and problem (the first at once, then one
    /// summary per window with the exact count), so a missing stream is not reported on every retry.
    /// </summary>
    private void Report(string problem, string message) => HybridSelfLog.Report($"kinesis:{_name}:{StreamLabel}:{problem}", message);

    private static bool IsRequestFailure(Exception e) => e is AwsServiceException or HttpRequestException or TaskCanceledException or TimeoutException;

    /// <summary>Reports a whole-request failure (rate-limited) and returns the retry reason for its entries.</summary>
    private string ReportRequestFailure(Exception e)
    {
        if (e is not AwsServiceException service || service.ErrorCode == AwsServiceException.TransportErrorCode)
        {
            var timeout = e is TaskCanceledException or TimeoutException || e.InnerException is OperationCanceledException;
            Report(timeout ? "timeout" : "network",
                $"Kinesis sink '{_name}': PutRecords to stream '{StreamLabel}' {(timeout ? "timed out" : "could not reach the service")} ({e.GetType().Name}: {e.Message}); entries are retried with backoff.");
            return timeout ? "timeout" : "network";
        }

        switch (KinesisErrors.Classify(service))
        {
            case KinesisErrorKind.StreamNotFound:
                Report("streamNotFound",
                    $"Kinesis sink '{_name}': stream '{StreamLabel}' was not found or is not active ({service.ErrorCode}: {service.ServiceMessage}). Create the stream or correct StreamName/StreamArn and Region; entries are retried with backoff and fail after MaxRetries.");
                return "streamNotFound";
            case KinesisErrorKind.Access:
                Report("accessDenied",
                    $"Kinesis sink '{_name}': not allowed to write to stream '{StreamLabel}' ({service.ErrorCode}: {service.ServiceMessage}). The identity needs kinesis:PutRecords on the stream (and kms:GenerateDataKey on its key when the stream is encrypted), and valid credentials; entries are retried with backoff and fail after MaxRetries.");
                return "accessDenied";
            default:
                var throttled = service.IsThrottling;
                Report(throttled ? "throttledRequest" : "serviceError",
                    $"Kinesis sink '{_name}': PutRecords to stream '{StreamLabel}' failed ({service.ErrorCode}, HTTP {(int)service.StatusCode}: {service.ServiceMessage}); entries are retried with backoff.");
                return throttled ? "throttled" : "serviceError";
        }
    }
}
