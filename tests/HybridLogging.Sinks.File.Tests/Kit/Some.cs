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

    /// <summary>Entries as the pipeline hands them to an <see cref="IJsonLinesSink"/>: one JSON line each, '\n'-terminated.</summary>
    public static byte[] JsonLines(params IEnumerable<LogEntry> entries)
    {
        var formatter = new JsonLogFormatter();
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var entry in entries)
        {
            formatter.Write(entry, buffer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
