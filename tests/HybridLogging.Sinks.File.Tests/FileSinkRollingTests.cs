using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>Rolling by size and interval, retention and compression of rolled files.</summary>
[Collection(SelfLogCollection.Name)]
public sealed class FileSinkRollingTests : IDisposable
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

    private FileSink CreateSink(Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file") =>
        TestSinks.File(_folder, configure, clock, name);
}
