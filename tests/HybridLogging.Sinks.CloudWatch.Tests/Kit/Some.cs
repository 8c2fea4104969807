using System.Buffers;
using System.Text;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.CloudWatch.Tests.Kit;

/// <summary>Test data factories.</summary>
internal static class Some
{
    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public static LogEntry LogEntry(int index, DateTimeOffset? timestamp = null, string? message = null, string source = "Tests") => new()
    {
        Timestamp = timestamp ?? Now,
        Level = LogLevel.Information,
        Source = source,
        Category = "HybridLogging.Sinks.CloudWatch.Tests",
        Message = message ?? $"entry {index}",
        CorrelationId = $"corr-{index}",
        Properties = [new("Index", index)],
    };

    /// <summary>Records as the pipeline hands them to the sink: JSON lines from <see cref="JsonLogFormatter"/>.</summary>
    public static LogRecordBatch Batch(params IReadOnlyList<LogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var bounds = new (int Start, int Length)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var start = buffer.WrittenCount;
            JsonLogFormatter.Instance.Write(entries[i], buffer);
            bounds[i] = (start, buffer.WrittenCount - start);
        }

        var memory = buffer.WrittenMemory;
        var records = new LogRecord[entries.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var e = entries[i];
            records[i] = new LogRecord(memory.Slice(bounds[i].Start, bounds[i].Length), i, e.Timestamp, e.Level, e.Source, e.CorrelationId);
        }

        return LogRecordBatch.FromRecords(records);
    }

    /// <summary>A batch of raw records (any bytes) with the given timestamps.</summary>
    public static LogRecordBatch RawBatch(params IReadOnlyList<(DateTimeOffset Timestamp, string Text)> records) =>
        LogRecordBatch.FromRecords([.. records.Select((r, i) => new LogRecord(Encoding.UTF8.GetBytes(r.Text + "\n"), i, r.Timestamp, LogLevel.Information, "Tests", null))]);

    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);
}
