using System.Diagnostics;

namespace HybridLogging.Internal;

/// <summary>The destination's loop: takes batches from its queue, writes them, settles deferrals and answers flushes.</summary>
internal sealed partial class SinkWorker
{
    private int WakeThreshold(int partialCount) => Math.Max(1, Math.Min(_batchSize - partialCount, _queue.Capacity / 2));

    private void Wake(bool force = false)
    {
        if (force || Volatile.Read(ref _sleeping) != 0)
        {
            if (Interlocked.Exchange(ref _sleeping, 0) != 0 || force)
            {
                _wake.Set();
            }
        }
    }

    private async Task RunAsync(LoopThread home)
    {
        SuppressionScope.Enter();
        if (_deferredSink is { } deferred)
        {
            try
            {
                await deferred.PredecessorStopped.WaitAsync(_abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return; // stopped before the predecessor finished: StopAsync counts the queue as dropped
            }
            catch (Exception ex)
            {
                SelfLog.Report($"Destination '{Name}': the destination it replaces stopped with an error: {ex.Message}");
            }

            try
            {
                Sink = deferred.Create();
                if (!ReferenceEquals(Formatter, (Sink as IFormattedLogSink)?.Formatter) &&
                    Formatter?.Key != (Sink as IFormattedLogSink)?.Formatter.Key)
                {
                    _sinkError = "the replacement sink takes another format than the destination it replaced";
                    Volatile.Write(ref _counters.LastError, _sinkError);
                    FormatterMismatch?.Invoke(this);
                }
            }
            catch (Exception ex)
            {
                _sinkError = $"the sink could not be created: {ex.Message}";
                Volatile.Write(ref _counters.LastError, _sinkError);
                SelfLog.Report($"Destination '{Name}': {_sinkError}");
            }
        }

        var batch = new WorkerBatch(_batchSize, _deferred);
        var deadline = 0L;
        while (true)
        {
            try
            {
                while (batch.Count < _batchSize && _queue.TryDequeue(out var item, out _))
                {
                    if (batch.Count == 0)
                    {
                        deadline = Stopwatch.GetTimestamp() + (long)(_flushInterval.TotalSeconds * Stopwatch.Frequency);
                    }

                    batch.Add(item);
                }

                _queue.ReleaseWaitingProducer();

                var flushWanted = _waiters.Target > Completed;
                if (batch.Count > 0 &&
                    (batch.Count >= _batchSize || flushWanted || _stopping || Stopwatch.GetTimestamp() >= deadline))
                {
                    batch = await WriteAsync(batch).ConfigureAwait(false);
                    await SettleDeferredAsync(drained: false).ConfigureAwait(false);
                    await CompleteWaitersAsync().ConfigureAwait(false);
                    continue;
                }

                if (batch.Count == 0 && QueueLength == 0)
                {
                    await SettleDeferredAsync(drained: true).ConfigureAwait(false);
                    await CompleteWaitersAsync().ConfigureAwait(false);
                    if (_stopping && _deferred.Pending == 0)
                    {
                        return;
                    }

                    // Stopping with deferred records: sleep until their settlement wakes the loop (StopAsync bounds
                    // the wait and counts what stays unsettled as failed).
                }

                // Announce sleep, then re-check, so a Post between the check and the wait is not missed.
                Volatile.Write(ref _partialCount, batch.Count);
                Interlocked.Exchange(ref _sleeping, batch.Count == 0 ? SleepingIdle : SleepingPartial);
                if (batch.Count == 0 ? QueueLength > 0 : QueueLength >= WakeThreshold(batch.Count))
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }

                var wait = batch.Count == 0
                    ? Timeout.InfiniteTimeSpan
                    : TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                if (!home.IsCurrent)
                {
                    // An await went asynchronous and left the loop on a pool thread: sleep at home, not on the pool.
                    await home.ReturnHome();
                }

                _wake.Wait(wait);
                _abort.Token.ThrowIfCancellationRequested();
                Interlocked.Exchange(ref _sleeping, 0);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                Interlocked.Add(ref _counters.Dropped, batch.Count);
                batch.Clear();
                return;
            }
            catch (Exception ex)
            {
                // Never let the loop die: report and go on.
                SelfLog.Report($"Destination '{Name}' loop error: {ex}");
            }
        }
    }

    /// <summary>Writes one batch; returns the batch to reuse (a new one if a hung sink may still read the old).</summary>
    private async Task<WorkerBatch> WriteAsync(WorkerBatch batch)
    {
        if (Sink is null || _sinkError is not null)
        {
            _writer.FailAll(batch, _sinkError ?? "the sink is not available", "unavailable");
            batch.Clear();
            return batch;
        }

        if (_writer.HungWrite is { IsCompleted: false })
        {
            _writer.FailAll(batch, "the sink is still busy with an earlier write that timed out", "busy");
            batch.Clear();
            return batch;
        }

        if (!await _writer.WriteAsync(Sink, batch, _abort.Token).ConfigureAwait(false))
        {
            // The hung write may still read the batch's entries or bytes: leave them to it (and the GC), start afresh.
            return new WorkerBatch(_batchSize, _deferred);
        }

        if (_writer.LastWritten > 0)
        {
            BatchWritten?.Invoke((int)_writer.LastWritten);
        }

        batch.Clear();
        return batch;
    }

    /// <summary>Asks the sink to settle what it deferred when that holds up a flush or (drained, stopping) shutdown.</summary>
    private async Task SettleDeferredAsync(bool drained)
    {
        var target = _stopping && drained ? long.MaxValue : _waiters.Target;
        if (Sink is not null && _deferred.ShouldAskSink(target, Completed))
        {
            await _writer.FlushSinkAsync(Sink, _abort).ConfigureAwait(false);
        }
    }

    private async Task CompleteWaitersAsync()
    {
        if (!_waiters.AnyDone(Completed))
        {
            return;
        }

        if (Sink is not null)
        {
            await _writer.FlushSinkAsync(Sink, _abort).ConfigureAwait(false);
        }

        CompleteWaiters(force: false);
    }

    private void CompleteWaiters(bool force) => _waiters.Complete(Completed, force);
}
