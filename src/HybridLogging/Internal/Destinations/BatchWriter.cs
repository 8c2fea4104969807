using Polly;
using Polly.Retry;

namespace HybridLogging.Internal;

/// <summary>
/// Writes one batch to a sink with the destination's write timeout and retries (Polly.Core: exponential backoff with
/// jitter), and settles every entry of it as written or failed. For a sink that takes records, a retry sends only the
/// records the sink asked to retry (<see cref="LogRecordBatch.Retry"/>); records it failed are counted by reason.
/// </summary>
internal sealed class BatchWriter
{
    private readonly string _name;
    private readonly TimeSpan _writeTimeout;
    private readonly DestinationCounters _counters;
    private readonly ResiliencePipeline _resilience;
    private int _sinkDisposed;

    public BatchWriter(string name, SinkOptions options, DestinationCounters counters)
    {
        _name = name;
        _writeTimeout = options.WriteTimeout;
        _counters = counters;
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // A timed-out write may still be running: calling the sink again would overlap calls.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not SinkTimeoutException and not OperationCanceledException),
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref counters.Retried);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _resilience = builder.Build();
    }

    /// <summary>The write that timed out, which may still be running; no sink call is made until it completes.</summary>
    public Task? HungWrite { get; private set; }

    /// <summary>
    /// Entries the last <see cref="WriteAsync"/> counted as written, over all its attempts (not those it failed, dropped
    /// or left deferred with the sink).
    /// </summary>
    public long LastWritten { get; private set; }

    /// <summary>
    /// Writes the batch and settles it. Returns false when the write was abandoned (timed out): the sink may still read
    /// the batch's memory, so the caller must not reuse it.
    /// </summary>
    public async Task<bool> WriteAsync(ILogSink sink, WorkerBatch batch, CancellationToken abort)
    {
        var count = batch.Count;
        LastWritten = 0;
        Interlocked.Increment(ref _counters.Batches);
        var records = batch.Records;
        try
        {
            await _resilience.ExecuteAsync(
                static async (state, token) =>
                {
                    var (self, sink, batch) = state;
                    if (batch.Records is { } pending)
                    {
                        await self.WriteRecordsAsync((IFormattedLogSink)sink, pending, token).ConfigureAwait(false);
                    }
                    else
                    {
                        await self.RunAsync(sink.WriteBatchAsync(batch.Entries, token).AsTask(), token).ConfigureAwait(false);
                    }
                },
                (this, sink, batch),
                abort).ConfigureAwait(false);

            if (records is null)
            {
                Interlocked.Add(ref _counters.Written, count);
                LastWritten = count;
            }

            Volatile.Write(ref _counters.LastFlushTicks, DateTime.UtcNow.Ticks);
            return true;
        }
        catch (SinkTimeoutException)
        {
            Settle(batch, $"write did not complete within {_writeTimeout}", "timeout");
            return false;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Interlocked.Add(ref _counters.Dropped, Unsettled(batch));
            return true;
        }
        catch (RecordsToRetryException retry)
        {
            // Retries exhausted: the sink's own last error says why.
            Settle(batch, Volatile.Read(ref _counters.LastError) ?? retry.Message, retry.Reason);
            return true;
        }
        catch (Exception ex)
        {
            Settle(batch, $"{ex.GetType().Name}: {ex.Message}", "error");
            return true;
        }
    }

    /// <summary>
    /// Disposes the sink once, never while a timed-out write still runs (that could break it mid-write): then it is
    /// disposed when (if ever) that write completes, without holding up shutdown. Never throws.
    /// </summary>
    public async Task DisposeSinkAsync(ILogSink? sink)
    {
        if (sink is null)
        {
            return;
        }

        try
        {
            if (HungWrite is { IsCompleted: false } hung)
            {
                _ = hung.ContinueWith(
                    async _ => await DisposeOnceAsync(sink).ConfigureAwait(false),
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
                return;
            }

            await DisposeOnceAsync(sink).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SelfLog.Report($"Destination '{_name}': disposing the sink failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task DisposeOnceAsync(ILogSink sink)
    {
        if (Interlocked.Exchange(ref _sinkDisposed, 1) != 0)
        {
            return;
        }

        try
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SelfLog.Report($"Destination '{_name}': disposing the sink failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Calls the sink's <see cref="ILogSink.FlushAsync"/> (make durable, settle what it deferred) within the write timeout,
    /// unless a timed-out write still runs. Failures are recorded as the last error, never thrown.
    /// </summary>
    public async Task FlushSinkAsync(ILogSink sink, CancellationTokenSource abort)
    {
        if (HungWrite is { IsCompleted: false })
        {
            return;
        }

        try
        {
            await sink.FlushAsync(abort.Token).AsTask().WaitAsync(_writeTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
        {
            Volatile.Write(ref _counters.LastError, $"flush failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Counts what is left of a batch as failed (the sink is unavailable or busy with a hung write).</summary>
    public void FailAll(WorkerBatch batch, string error, string reason)
    {
        Interlocked.Increment(ref _counters.Batches);
        Settle(batch, error, reason);
    }

    private async Task WriteRecordsAsync(IFormattedLogSink sink, LogRecordBatch records, CancellationToken token)
    {
        try
        {
            await RunAsync(sink.WriteAsync(records, token).AsTask(), token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not SinkTimeoutException and not OperationCanceledException)
        {
            records.RetryUnfailed(ex.GetType().Name);
            _counters.LastError = $"{ex.GetType().Name}: {ex.Message}";
        }

        foreach (var (name, amount) in records.Counts)
        {
            _counters.AddCount(name, amount);
        }

        // Settle what the sink decided; keep only the records to retry in the batch.
        var keep = 0;
        string? retryReason = null;
        var written = 0L;
        for (var i = 0; i < records.Count; i++)
        {
            switch (records.MarkedOutcome(i))
            {
                case LogRecordOutcome.Written:
                    written++;
                    break;
                case LogRecordOutcome.Failed:
                    _counters.AddFailed(1, records.GetReason(i)!);
                    break;
                case LogRecordOutcome.Deferred:
                    // Counted as pending by the destination's DeferredRecords until the sink settles its deferral.
                    break;
                default:
                    retryReason ??= records.GetReason(i);
                    records.MoveTo(i, keep++);
                    break;
            }
        }

        Interlocked.Add(ref _counters.Written, written);
        LastWritten += written;
        records.Truncate(keep);
        if (keep > 0)
        {
            records.Attempt++;
            throw new RecordsToRetryException(keep, retryReason ?? "retry");
        }
    }

    private async Task RunAsync(Task write, CancellationToken token)
    {
        try
        {
            await write.WaitAsync(_writeTimeout, token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            HungWrite = write;
            throw new SinkTimeoutException();
        }
    }

    private void Settle(WorkerBatch batch, string error, string reason)
    {
        var left = Unsettled(batch);
        _counters.AddFailed(left, reason);
        Volatile.Write(ref _counters.LastError, error);
        SelfLog.Report($"Destination '{_name}': {left} entries failed: {error}");
    }

    /// <summary>
    /// Entries of the batch not yet counted (for records: those still waiting for a retry, or of an abandoned call, those
    /// the sink did not defer). The batch's records can no longer be deferred afterwards.
    /// </summary>
    private static int Unsettled(WorkerBatch batch) => batch.Records?.Abandon() ?? batch.Count;

    /// <summary>Thrown inside the retry loop when a sink asked for some records to be sent again.</summary>
    private sealed class RecordsToRetryException(int count, string reason) : Exception($"{count} records to retry: {reason}")
    {
        public string Reason { get; } = reason;
    }
}

/// <summary>Thrown when a write exceeds the destination's write timeout (never retried: the call may still run).</summary>
internal sealed class SinkTimeoutException : Exception
{
    public SinkTimeoutException()
        : base("The sink write timed out.")
    {
    }
}
