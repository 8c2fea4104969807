using System.Buffers;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Kit;

/// <summary>Test data factories.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Time = new(2026, 1, 1, 10, 15, 0, TimeSpan.Zero);

    public static LogEntry LogEntry(int index, string? message = null, IReadOnlyList<KeyValuePair<string, object?>>? properties = null) => new()
    {
        Timestamp = Time.AddMilliseconds(index),
        Level = LogLevel.Information,
        Source = "Tests",
        Category = "HybridLogging.Sinks.Elasticsearch.Tests",
        Message = message ?? $"entry {index}",
        Properties = properties ?? [new("Index", index)],
    };

    /// <summary>Records as the pipeline hands them over: formatted by <paramref name="formatter"/>, sequence = index + 1.</summary>
    public static LogRecordBatch Batch(LogEntryFormatter formatter, params IReadOnlyList<LogEntry> entries) =>
        LogRecordBatch.FromRecords(Records(formatter, entries));

    public static LogRecord[] Records(LogEntryFormatter formatter, IReadOnlyList<LogEntry> entries, long firstSequence = 1)
    {
        var records = new LogRecord[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var buffer = new ArrayBufferWriter<byte>();
            formatter.Write(entries[i], buffer);
            records[i] = new LogRecord(buffer.WrittenMemory, firstSequence + i, entries[i].Timestamp, entries[i].Level, entries[i].Source, entries[i].CorrelationId);
        }

        return records;
    }

    public static LogEntry[] LogEntries(int count) => Enumerable.Range(0, count).Select(i => LogEntry(i)).ToArray();

    /// <summary>The records of <paramref name="batch"/> marked for retry, as the core hands them back (attempt 1).</summary>
    public static LogRecordBatch RetriedPart(LogRecordBatch batch)
    {
        var records = Enumerable.Range(0, batch.Count).Where(i => batch.GetOutcome(i) == LogRecordOutcome.Retry).Select(i => batch[i]).ToArray();
        return LogRecordBatch.FromRecords(records);
    }
}
