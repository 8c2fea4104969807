using System.Buffers;
using HybridLogging.Formatting;

namespace HybridLogging.Sinks.Console.Tests.TestKit;

/// <summary>Record batches as the pipeline hands them to an <see cref="IFormattedLogSink"/>.</summary>
internal static class RecordBatches
{
    /// <summary>Each entry formatted by <paramref name="formatter"/> into one buffer, so adjacent records are one segment.</summary>
    public static LogRecordBatch Of(LogEntryFormatter formatter, params IEnumerable<LogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var bounds = new List<(int Start, int Length, LogEntry Entry)>();
        foreach (var entry in entries)
        {
            var start = buffer.WrittenCount;
            formatter.Write(entry, buffer);
            bounds.Add((start, buffer.WrittenCount - start, entry));
        }

        var memory = buffer.WrittenMemory;
        return LogRecordBatch.FromRecords(
            [.. bounds.Select((b, i) => new LogRecord(memory.Slice(b.Start, b.Length), i, b.Entry.Timestamp, b.Entry.Level, b.Entry.Source, b.Entry.CorrelationId))]);
    }

    /// <summary>Each entry formatted into its own array: one segment per record.</summary>
    public static LogRecordBatch Scattered(LogEntryFormatter formatter, params IEnumerable<LogEntry> entries) =>
        LogRecordBatch.FromRecords([.. entries.Select(e => Of(formatter, e)[0])]);

    /// <summary>Formats the entries with the sink's formatter, writes them as one batch and asserts every record counts as written.</summary>
    public static async Task<LogRecordBatch> WriteEntriesAsync(this IFormattedLogSink sink, IEnumerable<LogEntry> entries, CancellationToken cancellationToken)
    {
        var batch = Of(sink.Formatter, entries);
        await sink.WriteAsync(batch, cancellationToken);
        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        return batch;
    }
}
