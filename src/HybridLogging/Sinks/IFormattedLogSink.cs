using System.Buffers;
using HybridLogging.Formatting;

namespace HybridLogging;

/// <summary>
/// A sink that takes entries already formatted by a <see cref="LogEntryFormatter"/> (JSON lines, text, an Elastic
/// Common Schema document, ...). The pipeline formats each entry once per formatter <see cref="LogEntryFormatter.Key"/>
/// on its dispatcher thread and hands the same bytes to every destination whose sink takes that key, so a file, the
/// console and a cloud sink that all take JSON lines cost one formatting per entry, and no <see cref="LogEntry"/> object
/// is built for them.
/// </summary>
/// <remarks>
/// <para>Calls for one sink instance never overlap. The batch and the memory of its records are reused once the call
/// completes: copy what must be kept.</para>
/// <para>Outcomes: when <see cref="WriteAsync"/> completes, every record not marked with
/// <see cref="LogRecordBatch.Retry"/> or <see cref="LogRecordBatch.Fail"/> counts as written. Records marked for retry are
/// sent again, on their own, after the destination's backoff, up to <see cref="SinkOptions.MaxRetries"/> times; records
/// marked failed are counted as failed under the given reason and never sent again. Throwing marks every record not
/// already marked failed for retry, so a sink that answers item by item (Kinesis, Elasticsearch) marks items, and a sink
/// that answers for the whole request (a file) simply throws.</para>
/// <para>Deferred outcomes: a sink that gathers records of several calls into one unit of output (an S3 object that
/// spans batches) copies their bytes and defers their outcome with <see cref="LogRecordBatch.Defer"/> into a
/// <see cref="LogRecordDeferral"/>, which it settles once that unit is stored or given up. Until then they count as
/// pending; <see cref="ILogSink.FlushAsync"/> is the destination's request to settle them (flush and shutdown), and what
/// is unsettled when the shutdown timeout ends counts as failed (<c>unsettled</c>). See <see cref="LogRecordDeferral"/>.</para>
/// <para><see cref="ILogSink.WriteBatchAsync"/> is implemented here for callers that hold <see cref="LogEntry"/> objects:
/// it formats them with <see cref="Formatter"/> and calls <see cref="WriteAsync"/>, so a sink has one write path.</para>
/// </remarks>
public interface IFormattedLogSink : ILogSink
{
    /// <summary>The formatter whose records this sink takes. Read once, when the sink's destination starts.</summary>
    LogEntryFormatter Formatter { get; }

    /// <summary>Writes a batch of formatted records and marks the ones that failed (see the remarks of the interface).</summary>
    ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken);

    /// <inheritdoc />
    async ValueTask ILogSink.WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var formatter = Formatter;
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, batch.Count * 256));
        var bounds = new (int Start, int Length)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var start = buffer.WrittenCount;
            formatter.Write(batch[i], buffer);
            bounds[i] = (start, buffer.WrittenCount - start);
        }

        var memory = buffer.WrittenMemory;
        var records = new LogRecord[batch.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var entry = batch[i];
            records[i] = new LogRecord(memory.Slice(bounds[i].Start, bounds[i].Length), LogRecordSequences.Next(), entry.Timestamp, entry.Level, entry.Source, entry.CorrelationId);
        }

        var formatted = LogRecordBatch.FromRecords(records);
        await WriteAsync(formatted, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < formatted.Count; i++)
        {
            if (formatted.GetOutcome(i) == LogRecordOutcome.Deferred)
            {
                // The caller takes the outcome when this call returns: ask the sink to settle what it deferred now.
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
        }

        if (formatted.FirstUnsuccessful() is { } failure)
        {
            // Entry batches have no per-record outcome: the whole batch fails and the caller decides about retries.
            throw new IOException($"{failure.Count} of {batch.Count} records were not written: {failure.Reason}");
        }
    }
}

/// <summary>
/// Sequence numbers for entries formatted outside a pipeline (entry objects handed to a sink directly): unique in the
/// process and negative, so they never meet a pipeline's (which count up from 1), and a sink that builds idempotent
/// ids from them never reuses one.
/// </summary>
internal static class LogRecordSequences
{
    private static long _last;

    public static long Next() => Interlocked.Decrement(ref _last);
}
