using System.Text.Json;
using HybridLogging.Formatting;
using HybridLogging.Sinks.Console.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Console.Tests;

public sealed class ConsoleSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Json_lines_parse_and_carry_the_entry_fields()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await sink.WriteEntriesAsync(Some.LogEntries(3), Ct);

        Assert.Equal(3, console.Output.Lines.Length);
        for (var i = 0; i < 3; i++)
        {
            using var json = JsonDocument.Parse(console.Output.Lines[i]);
            var root = json.RootElement;
            Assert.Equal($"message {i}", root.GetProperty("message").GetString());
            Assert.Equal("INFO", root.GetProperty("level").GetString());
            Assert.Equal("HybridRouter", root.GetProperty("source").GetString());
            Assert.Equal("corr-1", root.GetProperty("correlationId").GetString());
            Assert.Equal("req-1", root.GetProperty("requestId").GetString());
            Assert.Equal("route", root.GetProperty("operationType").GetString());
            Assert.Equal(12.5, root.GetProperty("duration").GetDouble());
            Assert.Equal(12.5, root.GetProperty("performance").GetProperty("latency").GetDouble());
            Assert.Equal("bedrock", root.GetProperty("routing").GetProperty("provider").GetString());
            Assert.Equal("openai-fallback", root.GetProperty("routing").GetProperty("fallback").GetString());
            Assert.Equal(2, root.GetProperty("properties").GetProperty("Attempt").GetInt32());
        }
    }

    [Fact]
    public async Task Redirected_output_defaults_to_json_lines()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(isTerminal: false);

        await sink.WriteEntriesAsync([Some.LogEntry()], Ct);

        Assert.Equal(LogFormat.Json, sink.Format);
        using var json = JsonDocument.Parse(Assert.Single(console.Output.Lines));
        Assert.Equal("hello", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Terminal_output_defaults_to_colored_text()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(isTerminal: true);

        await sink.WriteEntriesAsync([Some.LogEntry()], Ct);

        Assert.Equal(LogFormat.Text, sink.Format);
        var line = Assert.Single(console.Output.Lines);
        Assert.Contains("\u001b[32mINFO", line, StringComparison.Ordinal);
        Assert.Contains("[HybridRouter] hello", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseColors_false_writes_plain_text_on_a_terminal()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { UseColors = false }, isTerminal: true);

        await sink.WriteEntriesAsync([Some.LogEntry(LogLevel.Warning)], Ct);

        var line = Assert.Single(console.Output.Lines);
        Assert.DoesNotContain('\u001b', line);
        Assert.StartsWith("2026-01-02T03:04:05.678Z WARN", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_format_writes_one_readable_line_per_entry_without_colors_when_redirected()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Text }, isTerminal: false);

        await sink.WriteEntriesAsync([Some.LogEntry(message: "routed\nforged line"), Some.LogEntry(message: "second")], Ct);

        var lines = console.Output.Lines;
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain('\u001b', console.Output.Text);
        Assert.Equal(
            "2026-01-02T03:04:05.678Z INFO    [HybridRouter] routed\\nforged line {correlationId=corr-1, requestId=req-1, userId=user-1, operationType=route, duration=12.5ms, provider=bedrock, fallback=openai-fallback}",
            lines[0]);
        Assert.Contains("[HybridRouter] second", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_is_written_with_one_write_call()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await sink.WriteEntriesAsync(Some.LogEntries(500), Ct);

        Assert.Equal(1, console.Output.Writes);
        Assert.Equal(500, console.Output.Lines.Length);
        Assert.Equal(0, console.Error.Writes);
    }

    [Fact]
    public async Task Each_batch_is_one_write_and_a_smaller_batch_after_a_large_one_has_no_stale_bytes()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await sink.WriteEntriesAsync(Some.LogEntries(2_000), Ct);
        await sink.WriteEntriesAsync([Some.LogEntry(message: "last")], Ct);

        Assert.Equal(2, console.Output.Writes);
        var lines = console.Output.Lines;
        Assert.Equal(2_001, lines.Length);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("last", last.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Entries_at_or_above_StandardErrorFromLevel_go_to_standard_error()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json, StandardErrorFromLevel = LogLevel.Error });

        await sink.WriteEntriesAsync(
        [
            Some.LogEntry(LogLevel.Information, "info"),
            Some.LogEntry(LogLevel.Error, "error"),
            Some.LogEntry(LogLevel.Warning, "warning"),
            Some.LogEntry(LogLevel.Critical, "critical"),
        ], Ct);

        Assert.Equal(["info", "warning"], Messages(console.Output));
        Assert.Equal(["error", "critical"], Messages(console.Error));
        Assert.Equal(1, console.Output.Writes);
        Assert.Equal(1, console.Error.Writes);
    }

    [Fact]
    public async Task Everything_goes_to_standard_output_by_default()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await sink.WriteEntriesAsync([Some.LogEntry(LogLevel.Critical, "critical"), Some.LogEntry(LogLevel.Trace, "trace")], Ct);

        Assert.Equal(["critical", "trace"], Messages(console.Output));
        Assert.Empty(console.Error.Text);
    }

    [Fact]
    public async Task Empty_batch_writes_nothing()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink();

        await sink.WriteEntriesAsync([], Ct);

        Assert.Equal(0, console.Output.Writes);
        Assert.Equal(0, sink.BytesWritten);
    }

    [Fact]
    public async Task FlushAsync_flushes_both_streams_and_BytesWritten_counts_the_output()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { StandardErrorFromLevel = LogLevel.Error });

        await sink.WriteEntriesAsync([Some.LogEntry(), Some.LogEntry(LogLevel.Error)], Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(1, console.Output.Flushes);
        Assert.Equal(1, console.Error.Flushes);
        Assert.Equal(console.Output.Length + console.Error.Length, sink.BytesWritten);
    }

    [Fact]
    public void Invalid_settings_are_rejected_with_clear_messages()
    {
        var options = new ConsoleSinkOptions { Format = (LogFormat)42, StandardErrorFromLevel = (LogLevel)42 };

        var errors = options.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("Format", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("StandardErrorFromLevel", StringComparison.Ordinal));
        var ex = Assert.Throws<ArgumentException>(() => new TestConsole().CreateSink(options));
        Assert.Contains("Format must be Json, Text or null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_auto_format_colors_on_and_nothing_to_standard_error()
    {
        var options = new ConsoleSinkOptions();

        Assert.Null(options.Format);
        Assert.True(options.UseColors);
        Assert.Equal(LogLevel.None, options.StandardErrorFromLevel);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task Adjacent_records_are_written_straight_from_the_batch_in_one_call()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });
        var batch = RecordBatches.Of(sink.Formatter, Some.LogEntries(10));

        await sink.WriteAsync(batch, Ct);

        Assert.Same(JsonLogFormatter.Instance, sink.Formatter);
        Assert.Equal(1, batch.SegmentCount);
        Assert.Equal(1, console.Output.Writes);
        Assert.Equal(batch.GetSegment(0).Bytes.ToArray(), console.Output.Bytes);
        Assert.Equal(batch.TotalBytes, sink.BytesWritten);
    }

    [Fact]
    public async Task Records_in_separate_memory_are_still_one_write_per_stream_in_order()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json, StandardErrorFromLevel = LogLevel.Error });
        var batch = RecordBatches.Scattered(
            sink.Formatter,
            Some.LogEntry(LogLevel.Information, "a"),
            Some.LogEntry(LogLevel.Error, "b"),
            Some.LogEntry(LogLevel.Information, "c"),
            Some.LogEntry(LogLevel.Information, "d"));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(4, batch.SegmentCount);
        Assert.Equal(["a", "c", "d"], Messages(console.Output));
        Assert.Equal(["b"], Messages(console.Error));
        Assert.Equal(1, console.Output.Writes);
        Assert.Equal(1, console.Error.Writes);
    }

    [Fact]
    public async Task Records_in_separate_memory_for_one_stream_are_written_segment_by_segment_in_order_without_a_copy()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });
        var batch = RecordBatches.Scattered(sink.Formatter, Some.LogEntry(message: "a"), Some.LogEntry(message: "b"), Some.LogEntry(message: "c"));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(3, batch.SegmentCount);
        Assert.Equal(["a", "b", "c"], Messages(console.Output));
        Assert.Equal(3, console.Output.Writes);
        Assert.Equal(batch.TotalBytes, sink.BytesWritten);
    }

    [Fact]
    public async Task A_failure_after_the_first_segment_keeps_what_was_written_and_retries_only_the_rest()
    {
        var console = new TestConsole();
        console.Output.FailAfterWrites = 1;
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });
        var batch = RecordBatches.Scattered(sink.Formatter, Some.LogEntry(message: "a"), Some.LogEntry(message: "b"), Some.LogEntry(message: "c"));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(["a"], Messages(console.Output));
        Assert.Equal(
            [LogRecordOutcome.Written, LogRecordOutcome.Retry, LogRecordOutcome.Retry],
            Enumerable.Range(0, 3).Select(batch.GetOutcome));
        Assert.Equal("console", batch.GetReason(2));
        Assert.Equal(console.Output.Length, sink.BytesWritten);
    }

    [Fact]
    public async Task Batch_of_error_records_only_goes_to_standard_error_in_one_write()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json, StandardErrorFromLevel = LogLevel.Warning });

        await sink.WriteEntriesAsync(Some.LogEntries(3, LogLevel.Error), Ct);

        Assert.Equal(0, console.Output.Writes);
        Assert.Equal(1, console.Error.Writes);
        Assert.Equal(3, console.Error.Lines.Length);
    }

    [Fact]
    public async Task Failed_standard_error_write_marks_only_its_records_for_retry()
    {
        var console = new TestConsole();
        console.Error.FailWrites = true;
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json, StandardErrorFromLevel = LogLevel.Error });
        var batch = RecordBatches.Of(sink.Formatter, Some.LogEntry(LogLevel.Information, "info"), Some.LogEntry(LogLevel.Error, "error"));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(["info"], Messages(console.Output));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.Equal(LogRecordOutcome.Retry, batch.GetOutcome(1));
        Assert.Equal("stderr", batch.GetReason(1));
        Assert.Equal(console.Output.Length, sink.BytesWritten);
    }

    [Fact]
    public async Task Failed_write_of_a_single_stream_batch_throws_so_the_batch_is_retried()
    {
        var console = new TestConsole();
        console.Output.FailWrites = true;
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(RecordBatches.Of(sink.Formatter, Some.LogEntry()), Ct));

        Assert.Equal(0, sink.BytesWritten);
    }

    [Fact]
    public void Text_is_coloured_only_when_every_stream_written_is_a_terminal()
    {
        var split = new ConsoleSinkOptions { StandardErrorFromLevel = LogLevel.Error };
        var console = new TestConsole();

        var bothTerminals = console.CreateSink(split, isTerminal: true);
        var errorRedirected = console.CreateSink(split, outputIsTerminal: true, errorIsTerminal: false);
        var noSplit = console.CreateSink(new ConsoleSinkOptions(), outputIsTerminal: true, errorIsTerminal: false);

        Assert.Equal("text+ansi", bothTerminals.Formatter.Key);
        Assert.Equal("text", errorRedirected.Formatter.Key);
        Assert.Equal("text+ansi", noSplit.Formatter.Key);
    }

    [Fact]
    public async Task Entry_batches_from_the_current_pipeline_are_formatted_with_the_sinks_formatter()
    {
        var console = new TestConsole();
        await using var sink = console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json });

        await ((ILogSink)sink).WriteBatchAsync(Some.LogEntries(2), Ct);

        Assert.Equal(["message 0", "message 1"], Messages(console.Output));
        Assert.Equal(1, console.Output.Writes);
    }

    private static string?[] Messages(CountingStream stream) =>
        [.. stream.Lines.Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.GetProperty("message").GetString();
        })];
}
