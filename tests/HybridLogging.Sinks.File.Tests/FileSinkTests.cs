using System.Text.Json;
using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

public sealed class FileSinkTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Rolling_by_size_through_the_provider_keeps_every_entry_exactly_once_on_whole_lines_within_the_limit()
    {
        const int count = 20_000;
        const long maxBytes = 64 * 1024;
        var options = new HybridLoggingOptions { QueueCapacity = 32_768, FullMode = QueueFullMode.Block, BlockTimeout = TimeSpan.FromSeconds(30) };
        options.AddFile(
            "file",
            o =>
            {
                o.Path = _folder.Combine("log.json");
                o.MaxFileSizeBytes = maxBytes;
                o.RetainedFileCount = 100_000;
            },
            destination =>
            {
                destination.QueueCapacity = count;
                destination.BatchSize = 500;
            });

        await using (var provider = new HybridLoggerProvider(options))
        {
            var logger = provider.CreateLogger("MyApp.Routing.HybridRouter");
            for (var i = 0; i < count; i++)
            {
                logger.LogInformation("Routed request {Index} to {Provider}", i, "bedrock");
            }

            await provider.FlushAsync(Ct);
            var stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Dropped + stats.Failed);
        }

        var files = LogFiles.List(_folder.Path);
        Assert.True(files.Length > 10, $"expected many rolled files, got {files.Length}");
        var seen = new int[count];
        foreach (var file in files)
        {
            Assert.InRange(new FileInfo(file).Length, 1, maxBytes);
            foreach (var index in LogFiles.ReadIndices(file))
            {
                seen[index]++;
            }
        }

        Assert.All(seen, times => Assert.Equal(1, times));

        // Files are chronological: the indices run in order across the rolled files and into the active file.
        var ordered = files.SelectMany(LogFiles.ReadIndices).ToList();
        Assert.Equal(Enumerable.Range(0, count), ordered);
    }

    [Fact]
    public async Task Retention_deletes_only_the_oldest_files_beyond_the_retained_count()
    {
        await using var sink = CreateSink(o =>
        {
            o.MaxFileSizeBytes = 1024;
            o.RetainedFileCount = 3;
        });

        // ~400-byte entries: two per file, so 30 entries make 15 files, of which 3 are kept.
        for (var i = 0; i < 30; i++)
        {
            await sink.WriteEntriesAsync([Some.LogEntry(i, padding: 300)], Ct);
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(3, files.Length);
        Assert.Equal(_folder.Combine("log.json"), files[^1]);
        var kept = files.SelectMany(LogFiles.ReadIndices).ToList();
        Assert.Equal(Enumerable.Range(24, 6), kept);
    }

    [Fact]
    public async Task Rolling_by_interval_starts_a_new_file_after_each_utc_boundary()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 15, 0, TimeSpan.Zero));
        await using var sink = CreateSink(o => o.RollingInterval = FileRollingInterval.Hourly, clock);

        await sink.WriteEntriesAsync([Some.LogEntry(0)], Ct);
        clock.Now = new DateTimeOffset(2026, 1, 1, 10, 59, 59, TimeSpan.Zero);
        await sink.WriteEntriesAsync([Some.LogEntry(1)], Ct);
        clock.Now = new DateTimeOffset(2026, 1, 1, 11, 0, 1, TimeSpan.Zero);
        await sink.WriteEntriesAsync([Some.LogEntry(2)], Ct);
        clock.Now = new DateTimeOffset(2026, 1, 1, 13, 30, 0, TimeSpan.Zero);
        await sink.WriteEntriesAsync([Some.LogEntry(3), Some.LogEntry(4)], Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.20260101T100000Z.1.json")));
        Assert.Equal([2], LogFiles.ReadIndices(_folder.Combine("log.20260101T110000Z.1.json")));
        Assert.Equal([3, 4], LogFiles.ReadIndices(_folder.Combine("log.json")));
        Assert.Equal(3, LogFiles.List(_folder.Path).Length);
    }

    [Fact]
    public async Task File_left_from_an_earlier_day_is_rolled_at_the_first_write()
    {
        var path = _folder.Combine("log.json");
        await System.IO.File.WriteAllTextAsync(path, "{\"properties\":{\"Index\":-1}}\n", Ct);
        System.IO.File.SetLastWriteTimeUtc(path, new DateTime(2025, 12, 31, 18, 0, 0, DateTimeKind.Utc));
        await using var sink = CreateSink(o => o.RollingInterval = FileRollingInterval.Daily, new ManualTimeProvider(Some.Time));

        await sink.WriteEntriesAsync([Some.LogEntry(0)], Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([-1], LogFiles.ReadIndices(_folder.Combine("log.20251231T000000Z.1.json")));
        Assert.Equal([0], LogFiles.ReadIndices(path));
    }

    [Fact]
    public async Task Daily_rolling_combined_with_size_numbers_the_files_of_one_day()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 5, 23, 0, 0, TimeSpan.Zero));
        await using var sink = CreateSink(
            o =>
            {
                o.RollingInterval = FileRollingInterval.Daily;
                o.MaxFileSizeBytes = 1024;
                o.RetainedFileCount = 100;
            },
            clock);

        await sink.WriteEntriesAsync(Some.LogEntries(0, 6, padding: 300), Ct);
        clock.Now = clock.Now.AddHours(2);
        await sink.WriteEntriesAsync([Some.LogEntry(6)], Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.20260305T000000Z.1.json")));
        Assert.Equal([2, 3], LogFiles.ReadIndices(_folder.Combine("log.20260305T000000Z.2.json")));
        Assert.Equal([4, 5], LogFiles.ReadIndices(_folder.Combine("log.20260305T000000Z.3.json")));
        Assert.Equal([6], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task Entry_larger_than_the_limit_is_written_alone_into_its_own_file()
    {
        await using var sink = CreateSink(o =>
        {
            o.MaxFileSizeBytes = 1024;
            o.RetainedFileCount = 100;
        });

        await sink.WriteEntriesAsync([Some.LogEntry(0), Some.LogEntry(1, padding: 5000), Some.LogEntry(2)], Ct);
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(3, files.Length);
        Assert.Equal([[0], [1], [2]], files.Select(LogFiles.ReadIndices).ToArray());
        Assert.True(new FileInfo(files[1]).Length > 5000);
    }

    [Fact]
    public async Task Failed_roll_keeps_every_entry_in_the_active_file_reports_it_and_retries_later()
    {
        var clock = new ManualTimeProvider(Some.Time);
        var reports = new List<string>();
        HybridSelfLog.Enable(message =>
        {
            lock (reports)
            {
                reports.Add(message);
            }
        });
        try
        {
            await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024, clock);

            // A directory where the rolled file should go makes the rename fail.
            var blocker = Directory.CreateDirectory(_folder.Combine("log.20260101T101500Z.1.json"));
            await sink.WriteEntriesAsync(Some.LogEntries(0, 6, padding: 300), Ct);
            await sink.FlushAsync(Ct);

            Assert.Equal(Enumerable.Range(0, 6), LogFiles.ReadIndices(_folder.Combine("log.json")));
            lock (reports)
            {
                Assert.Contains(reports, r => r.Contains("rolling '" + _folder.Combine("log.json") + "'", StringComparison.Ordinal));
            }

            blocker.Delete();
            clock.Now += TimeSpan.FromSeconds(31);
            await sink.WriteEntriesAsync([Some.LogEntry(6, padding: 300)], Ct);
            await sink.FlushAsync(Ct);

            Assert.Equal(Enumerable.Range(0, 6), LogFiles.ReadIndices(_folder.Combine("log.20260101T101500Z.1.json")));
            Assert.Equal([6], LogFiles.ReadIndices(_folder.Combine("log.json")));
        }
        finally
        {
            HybridSelfLog.Disable();
        }
    }

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
    public async Task Rolled_files_are_gzipped_when_compression_is_enabled()
    {
        await using var sink = CreateSink(o =>
        {
            o.MaxFileSizeBytes = 1024;
            o.RetainedFileCount = 100;
            o.CompressRolledFiles = true;
        });

        for (var i = 0; i < 10; i++)
        {
            await sink.WriteEntriesAsync(Some.LogEntries(i * 4, 4, padding: 300), Ct);
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        var rolled = files[..^1];
        Assert.Equal(_folder.Combine("log.json"), files[^1]);
        Assert.Equal(19, rolled.Length);
        Assert.All(rolled, f => Assert.EndsWith(".json.gz", f, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
        Assert.Equal(Enumerable.Range(0, 40), files.SelectMany(LogFiles.ReadIndices));
        using var first = System.IO.File.OpenRead(rolled[0]);
        Assert.Equal(0x1f, first.ReadByte()); // gzip magic number
        Assert.Equal(0x8b, first.ReadByte());
    }

    [Fact]
    public async Task Compression_is_off_by_default_and_rolled_files_stay_plain()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);

        await sink.WriteEntriesAsync(Some.LogEntries(0, 4, padding: 300), Ct);
        await sink.FlushAsync(Ct);

        var rolled = LogFiles.List(_folder.Path)[..^1];
        Assert.Equal(["log.20260101T101500Z.1.json"], rolled.Select(System.IO.Path.GetFileName));
        Assert.Equal([0, 1], LogFiles.ReadIndices(rolled[0]));
    }

    [Fact]
    public async Task Second_sink_on_the_same_path_in_this_process_is_refused_with_an_error_naming_the_path_and_the_holder()
    {
        var path = _folder.Combine("log.json");
        await using var first = CreateSink(_ => { }, name: "first");

        var error = Assert.Throws<IOException>(() => new FileSink("second", new FileSinkOptions { Path = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'first'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);

        // The refused sink changed nothing: the first still owns the file and writes whole lines.
        await first.WriteEntriesAsync(Some.LogEntries(0, 3), Ct);
        await first.FlushAsync(Ct);
        Assert.Equal([0, 1, 2], LogFiles.ReadIndices(path));
    }

    [Fact]
    public async Task Path_is_free_again_once_the_holder_is_disposed()
    {
        var path = _folder.Combine("log.json");
        var first = CreateSink(_ => { }, name: "first");
        await first.WriteEntriesAsync(Some.LogEntries(0, 2), Ct);
        await first.DisposeAsync();

        await using var second = new FileSink("second", new FileSinkOptions { Path = path });
        await second.WriteEntriesAsync(Some.LogEntries(2, 2), Ct);
        await second.FlushAsync(Ct);

        Assert.Equal([0, 1, 2, 3], LogFiles.ReadIndices(path));
    }

    [Fact]
    public void Path_locked_by_another_process_is_refused_with_an_error_naming_the_path_and_the_lock_file()
    {
        var path = _folder.Combine("log.json");

        // What another process holding the lock looks like from here: an exclusive handle on the lock file.
        using var otherProcess = new FileStream(path + ".lock", FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<IOException>(() => new FileSink("file", new FileSinkOptions { Path = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        Assert.Contains(path + ".lock", error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(path));
    }

    [Fact]
    public async Task Path_locked_by_another_process_is_refused_with_an_error_naming_the_holder()
    {
        var path = _folder.Combine("log.json");

        // A holder records itself beside the lock file when it takes the lock (the lock file itself cannot be read by
        // another process while it is held)...
        var holder = CreateSink(_ => { }, name: "holder");
        var record = System.IO.File.ReadAllText(path + ".lock.owner");
        Assert.StartsWith($"pid={Environment.ProcessId} process=", record, StringComparison.Ordinal);
        Assert.Contains($" host={Environment.MachineName} sink=holder since=", record, StringComparison.Ordinal);
        await holder.DisposeAsync(); // a clean shutdown removes both files

        // ...so this is what another process holding the lock looks like from here: an exclusive handle on the lock
        // file and its record beside it.
        const string OtherRecord = "pid=4242 process=OtherApp host=web-1 sink=files since=2026-11-30T23:00:00.0000000+00:00";
        System.IO.File.WriteAllText(path + ".lock.owner", OtherRecord + "\n");
        using var otherProcess = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<IOException>(() => new FileSink("file", new FileSinkOptions { Path = path }));

        Assert.Contains("another process holds its lock file", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holder {OtherRecord}, as recorded in '{path}.lock.owner'", error.Message, StringComparison.Ordinal);
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

    [Fact]
    public async Task Clean_shutdown_removes_the_lock_file_so_the_folder_holds_only_log_files()
    {
        var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);
        Assert.True(System.IO.File.Exists(_folder.Combine("log.json.lock")));
        await sink.WriteEntriesAsync(Some.LogEntries(0, 4, padding: 300), Ct);

        await sink.DisposeAsync();

        Assert.Equal(
            ["log.20260101T101500Z.1.json", "log.json"],
            Directory.GetFiles(_folder.Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Lock_file_left_by_a_crashed_process_is_taken_over_and_removed_at_shutdown()
    {
        var lockPath = _folder.Combine("log.json.lock");
        await System.IO.File.WriteAllTextAsync(lockPath, "pid=1 process=crashed\n", Ct); // no process holds it any more

        var sink = CreateSink(_ => { });
        await sink.WriteEntriesAsync(Some.LogEntries(0, 2), Ct);
        await sink.DisposeAsync();

        Assert.False(System.IO.File.Exists(lockPath));
        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task Lock_is_exclusive_again_after_a_released_and_removed_lock_file_is_taken_by_the_next_sink()
    {
        var path = _folder.Combine("log.json");
        await CreateSink(_ => { }, name: "first").DisposeAsync();
        await using var second = CreateSink(_ => { }, name: "second");

        // The new lock file is held: another process (an exclusive handle here) is refused, and so is a third sink.
        Assert.True(System.IO.File.Exists(path + ".lock"));
        Assert.ThrowsAny<IOException>(() => new FileStream(path + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None));
        var error = Assert.Throws<IOException>(() => new FileSink("third", new FileSinkOptions { Path = path }));
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_handle_whose_file_was_deleted_meanwhile_is_recognised_where_the_platform_tells()
    {
        var path = _folder.Combine("probe.lock");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        bool? expectedLive = OperatingSystem.IsLinux() ? false : null;
        Assert.Equal(expectedLive, FileLock.IsUnlinked(stream));

        System.IO.File.Delete(path);

        // Linux names the open file "... (deleted)" in /proc/self/fd: a taker that locked it starts again.
        bool? expectedDeleted = OperatingSystem.IsLinux() ? true : null;
        Assert.Equal(expectedDeleted, FileLock.IsUnlinked(stream));
    }

    private FileSink CreateSink(Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file") =>
        TestSinks.File(_folder, configure, clock, name);
}
