using System.Text.Json;
using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>The file sink: flushing, content, accounting, failed writes and shutdown.</summary>
public sealed class FileSinkTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Text_format_writes_one_escaped_line_per_entry()
    {
        await using var sink = CreateSink(o => o.Format = LogFormat.Text);

        await sink.WriteEntriesAsync(
            [
                Some.LogEntry(0, "first line\nforged 2026-01-01T00:00:00.000Z ERROR [Evil] injected"),
                Some.LogEntry(1, "second\r\ttabbed"),
                new LogEntry { Timestamp = Some.Time, Level = LogLevel.Warning, Source = "Router", Message = "slow", CorrelationId = "c-1" },
            ],
            Ct);
        await sink.FlushAsync(Ct);

        var lines = LogFiles.ReadLines(_folder.Combine("log.json"));
        Assert.Equal(3, lines.Length);
        Assert.Equal(@"2026-01-01T10:15:00.000Z INFO    [Tests] first line\nforged 2026-01-01T00:00:00.000Z ERROR [Evil] injected", lines[0]);
        Assert.Equal(@"2026-01-01T10:15:00.001Z INFO    [Tests] second\r\ttabbed", lines[1]);
        Assert.Equal("2026-01-01T10:15:00.000Z WARN    [Router] slow {correlationId=c-1}", lines[2]);
    }

    [Fact]
    public async Task FlushAsync_makes_all_prior_entries_readable_on_disk()
    {
        await using var sink = CreateSink(o =>
        {
            o.BufferSize = 1024 * 1024; // everything stays in the stream buffer until flushed
            o.FlushToDiskInterval = TimeSpan.Zero;
        });

        await sink.WriteEntriesAsync(Some.LogEntries(0, 50), Ct);
        await sink.WriteEntriesAsync(Some.LogEntries(50, 50), Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 100), LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task Periodic_flush_makes_written_entries_readable_without_an_explicit_flush()
    {
        var clock = new ManualTimeProvider(Some.Time);
        await using var sink = CreateSink(
            o =>
            {
                o.BufferSize = 1024 * 1024;
                o.FlushToDiskInterval = TimeSpan.FromSeconds(1);
            },
            clock);
        await sink.WriteEntriesAsync(Some.LogEntries(0, 20), Ct);

        clock.FireTimers();

        Assert.Equal(Enumerable.Range(0, 20), LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task Zero_flush_interval_creates_no_timer_and_disposal_stops_the_timer()
    {
        var clock = new ManualTimeProvider(Some.Time);
        await using (CreateSink(o => o.FlushToDiskInterval = TimeSpan.Zero, clock, name: "quiet"))
        {
            Assert.Equal(0, clock.ActiveTimers);
        }

        var sink = CreateSink(_ => { }, clock, name: "periodic");
        Assert.Equal(1, clock.ActiveTimers);
        await sink.DisposeAsync();
        Assert.Equal(0, clock.ActiveTimers);
    }

    [Fact]
    public async Task Provider_flush_makes_entries_readable_on_disk()
    {
        var options = new HybridLoggingOptions().AddFile(o =>
        {
            o.Path = _folder.Combine("app", "nested", "log.json"); // missing folders are created
            o.BufferSize = 1024 * 1024;
            o.FlushToDiskInterval = TimeSpan.Zero;
        });
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("MyApp.Worker");
        logger.LogWarning("Queue depth {Index}", 7);

        await provider.FlushAsync(Ct);

        var line = Assert.Single(LogFiles.ReadLines(_folder.Combine("app", "nested", "log.json")));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("WARN", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("Queue depth 7", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("Worker", json.RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Hostile_entry_content_still_yields_one_valid_json_line_per_entry()
    {
        string[] hostile =
        [
            "line\nbreak", "crlf\r\n{\"level\":\"ERROR\"}", "nul\0char", "bell\u0007esc\u001b[31m", "sep\u2028\u2029",
            "lone high \uD800 surrogate", "lone low \uDC00 surrogate", "reversed \uDC00\uD800 pair", "trailing high \uD83D",
            "quote \" backslash \\ ", new string('\n', 1000),
        ];
        var entries = hostile.Select((text, i) => new LogEntry
        {
            Timestamp = Some.Time,
            Level = LogLevel.Error,
            Source = text,
            Category = text,
            Message = text,
            MessageTemplate = text,
            CorrelationId = text,
            Properties =
            [
                new("Index", i),
                new(text, text),
                new("nested", new object?[] { text, new KeyValuePair<string, object?>[] { new(text, text) } }),
            ],
            Metadata = new Dictionary<string, string> { [text] = text },
            Error = new LogError { Type = text, Message = text, StackTrace = text },
        }).ToArray();
        await using var sink = CreateSink(_ => { });

        await sink.WriteEntriesAsync(entries, Ct);
        await sink.FlushAsync(Ct);

        var lines = LogFiles.ReadLines(_folder.Combine("log.json"));
        Assert.Equal(hostile.Length, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]); // throws on an invalid line
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            Assert.Equal("ERROR", json.RootElement.GetProperty("level").GetString());
        }

        // Valid text survives unchanged.
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("line\nbreak", first.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task BytesWritten_matches_the_size_of_the_files_on_disk()
    {
        await using var sink = CreateSink(o =>
        {
            o.MaxFileSizeBytes = 2048;
            o.RetainedFileCount = 1000;
        });

        for (var i = 0; i < 20; i++)
        {
            await sink.WriteEntriesAsync(Some.LogEntries(i * 7, 7, padding: i * 10), Ct);
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.True(files.Length > 5);
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);
        Assert.Equal(140, files.SelectMany(LogFiles.ReadIndices).Count());
    }

    [Fact]
    public async Task Appending_to_an_existing_file_ends_a_line_cut_by_a_crash_before_writing()
    {
        var path = _folder.Combine("log.json");
        await System.IO.File.WriteAllTextAsync(path, "{\"message\":\"whole\"}\n{\"message\":\"cut in the mid", Ct);
        await using var sink = CreateSink(_ => { });

        await sink.WriteEntriesAsync([Some.LogEntry(0)], Ct);
        await sink.FlushAsync(Ct);

        var lines = LogFiles.ReadLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal("{\"message\":\"cut in the mid", lines[1]);
        using var appended = JsonDocument.Parse(lines[2]);
        Assert.Equal(0, appended.RootElement.GetProperty("properties").GetProperty("Index").GetInt32());
    }

    [Fact]
    public async Task Records_after_a_failed_write_are_marked_for_retry_and_a_retry_writes_each_once()
    {
        await using var sink = CreateSink(o =>
        {
            o.MaxFileSizeBytes = 1024;
            o.RetainedFileCount = 100;
        });
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(0, 6, padding: 300)); // two records per file: three writes with rolls between

        // The second write of the batch fails once.
        var writes = 0;
        sink.BeforeWrite = () =>
        {
            if (++writes == 2)
            {
                throw new IOException("device error");
            }
        };
        await sink.WriteAsync(batch, Ct);

        Assert.Equal(
            [LogRecordOutcome.Written, LogRecordOutcome.Written, LogRecordOutcome.Retry, LogRecordOutcome.Retry, LogRecordOutcome.Retry, LogRecordOutcome.Retry],
            Enumerable.Range(0, 6).Select(batch.GetOutcome));
        Assert.Equal("ioError", batch.GetReason(2));
        await sink.WriteAsync(Some.Retried(batch), Ct); // the pipeline sends the records marked for retry again
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 6), files.SelectMany(LogFiles.ReadIndices));
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);
    }

    [Fact]
    public async Task Failed_write_before_any_record_reached_the_file_throws_and_the_next_batch_is_written_from_its_start()
    {
        await using var sink = CreateSink(_ => { });
        var fail = true;
        sink.BeforeWrite = () =>
        {
            if (fail)
            {
                fail = false;
                throw new IOException("transient");
            }
        };
        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(0, 3)), Ct));

        await sink.WriteEntriesAsync(Some.LogEntries(10, 3), Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([10, 11, 12], LogFiles.ReadIndices(_folder.Combine("log.json")));
        Assert.Equal(new FileInfo(_folder.Combine("log.json")).Length, sink.BytesWritten);
    }

    [Fact]
    public async Task Disposed_sink_flushes_and_releases_the_file()
    {
        var sink = CreateSink(o =>
        {
            o.BufferSize = 1024 * 1024;
            o.FlushToDiskInterval = TimeSpan.Zero;
        });
        await sink.WriteEntriesAsync(Some.LogEntries(0, 5), Ct);

        await sink.DisposeAsync();
        await sink.DisposeAsync(); // idempotent

        Assert.Equal(Enumerable.Range(0, 5), LogFiles.ReadIndices(_folder.Combine("log.json")));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntry(5)), Ct));
    }

    private FileSink CreateSink(Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file") =>
        TestSinks.File(_folder, configure, clock, name);
}
