using System.Buffers;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>Test data factories.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Time = new(2026, 11, 30, 21, 15, 0, TimeSpan.Zero);

    public static LogEntry LogEntry(int index, DateTimeOffset? timestamp = null, int padding = 0) => new()
    {
        Timestamp = timestamp ?? Time.AddMilliseconds(index),
        Level = LogLevel.Information,
        Source = "Tests",
        Category = "HybridLogging.Sinks.S3.Tests",
        Message = $"entry {index}" + new string('x', padding),
        CorrelationId = $"corr-{index}",
        Properties = [new("Index", index)],
    };

    /// <summary>Records as the pipeline hands them to the sink: JSON lines from <see cref="JsonLogFormatter"/>.</summary>
    public static LogRecordBatch Batch(IEnumerable<LogEntry> entries, long firstSequence = 0)
    {
        var list = entries.ToList();
        var buffer = new ArrayBufferWriter<byte>();
        var bounds = new List<(int, int)>();
        foreach (var entry in list)
        {
            var start = buffer.WrittenCount;
            JsonLogFormatter.Instance.Write(entry, buffer);
            bounds.Add((start, buffer.WrittenCount - start));
        }

        var memory = buffer.WrittenMemory;
        var records = list.Select((e, i) => new LogRecord(memory.Slice(bounds[i].Item1, bounds[i].Item2), firstSequence + i, e.Timestamp, e.Level, e.Source, e.CorrelationId)).ToList();
        return LogRecordBatch.FromRecords(records);
    }

    public static LogRecordBatch Batch(int from, int count, int padding = 0) =>
        Batch(Enumerable.Range(from, count).Select(i => LogEntry(i, padding: padding)), from);
}
