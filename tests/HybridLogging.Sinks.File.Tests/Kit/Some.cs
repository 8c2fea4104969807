using System.Buffers;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>Test data factories.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Time = new(2026, 1, 1, 10, 15, 0, TimeSpan.Zero);

    public static LogEntry LogEntry(int index, string? message = null, int padding = 0) => new()
    {
        Timestamp = Time.AddMilliseconds(index),
        Level = LogLevel.Information,
        Source = "Tests",
        Category = "HybridLogging.Sinks.File.Tests",
        Message = message ?? $"entry {index}" + new string('x', padding),
        Properties = [new("Index", index)],
    };

    public static LogEntry[] LogEntries(int from, int count, int padding = 0) =>
        Enumerable.Range(from, count).Select(i => LogEntry(i, padding: padding)).ToArray();

    /// <summary>
    /// A batch as the pipeline hands it to an <see cref="IFormattedLogSink"/>: each entry formatted by
    /// <paramref name="formatter"/> into one buffer, so adjacent records are one segment.
    /// </summary>
    public static LogRecordBatch Batch(LogEntryFormatter formatter, params IEnumerable<LogEntry> entries)
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

    /// <summary>The records of <paramref name="batch"/> marked for retry, as the pipeline sends them again.</summary>
    public static LogRecordBatch Retried(LogRecordBatch batch) =>
        LogRecordBatch.FromRecords([.. Enumerable.Range(0, batch.Count).Where(i => batch.GetOutcome(i) == LogRecordOutcome.Retry).Select(i => batch[i])]);

    /// <summary>The bytes of every record of a batch, in order.</summary>
    public static byte[] Bytes(LogRecordBatch batch) =>
        [.. Enumerable.Range(0, batch.Count).SelectMany(i => batch[i].Bytes.ToArray())];
}
