using System.Buffers;
using System.Text;
using System.Text.Json;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>Test data: entries formatted by the JSON formatter, as the pipeline hands them to the sink.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Time = new(2026, 1, 1, 10, 15, 0, TimeSpan.Zero);

    public static LogEntry Entry(int index, string? correlationId = null, string message = "", string source = "Tests", string? userId = null) => new()
    {
        UserId = userId,
        Timestamp = Time.AddMilliseconds(index),
        Level = LogLevel.Information,
        Source = source,
        Category = "HybridLogging.Sinks.Kinesis.Tests",
        Message = $"entry {index}{message}",
        CorrelationId = correlationId,
        Properties = [new("Index", index), new("Tenant", $"tenant-{index % 5}")],
    };

    public static LogRecord Record(LogEntry entry, long sequence)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonLogFormatter.Instance.Write(entry, buffer);
        return new LogRecord(buffer.WrittenMemory, sequence, entry.Timestamp, entry.Level, entry.Source, entry.CorrelationId);
    }

    public static LogRecord Record(int index, string? correlationId = null, int padding = 0, string source = "Tests") =>
        Record(Entry(index, correlationId, new string('x', padding), source), index);

    /// <summary>A record whose JSON line (with its newline) is exactly <paramref name="bytes"/> long.</summary>
    public static LogRecord RecordOfSize(int index, int bytes, string? correlationId = null)
    {
        var bare = Record(index, correlationId).Bytes.Length;
        var record = Record(index, correlationId, bytes - bare);
        Assert.Equal(bytes, record.Bytes.Length);
        return record;
    }

    public static LogRecord[] Records(int count, Func<int, string?>? correlationId = null, int padding = 0) =>
        Enumerable.Range(0, count).Select(i => Record(i, correlationId?.Invoke(i), padding)).ToArray();

    public static LogRecordBatch Batch(params IReadOnlyList<LogRecord> records) => LogRecordBatch.FromRecords(records);

    /// <summary>The "Index" property of a JSON line written by <see cref="Entry"/>.</summary>
    public static int IndexOf(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("properties").GetProperty("Index").GetInt32();
    }

    public static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
