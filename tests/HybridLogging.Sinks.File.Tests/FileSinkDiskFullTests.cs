using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>
/// A full disk (issue 10 item 9): only what the operating system accepted counts as written, and the file holds exactly
/// the records counted, on whole lines.
/// </summary>
public sealed class FileSinkDiskFullTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Entries_counted_written_through_the_provider_are_exactly_the_lines_in_the_file_when_the_disk_fills()
    {
        const int count = 60;
        var disk = new FullDisk(freeBytes: 5_000);
        var path = _folder.Combine("log.json");
        var options = new HybridLoggingOptions { FlushInterval = TimeSpan.FromMilliseconds(10) }.AddSink(
            "file",
            _ => new FileSink("file", new FileSinkOptions { Path = path, BufferSize = 0, FlushToDiskInterval = TimeSpan.Zero }, null, disk.Wrap),
            destination =>
            {
                // One entry per batch: the current pipeline has no per-entry outcome for a batch of entries.
                destination.BatchSize = 1;
                destination.MaxRetries = 0;
            });

        SinkStats stats;
        await using (var provider = new HybridLoggerProvider(options))
        {
            var logger = provider.CreateLogger("MyApp.Worker");
            for (var i = 0; i < count; i++)
            {
                logger.LogInformation("Entry {Index} with some text to fill the disk faster", i);
            }

            await provider.FlushAsync(Ct);
            stats = Assert.Single(provider.GetStats().Sinks);
        }

        var indices = LogFiles.ReadIndices(path);
        Assert.True(disk.Refusals > 0, "the disk never filled");
        Assert.Equal(count, stats.Written + stats.Failed + stats.Dropped);
        Assert.Equal(indices.Count, stats.Written);
        Assert.Equal(Enumerable.Range(0, indices.Count), indices);
    }

    [Fact]
    public async Task Records_the_full_disk_did_not_take_are_marked_for_retry_and_the_file_holds_exactly_the_others()
    {
        var disk = new FullDisk(freeBytes: 2_000);
        await using var sink = CreateSink(disk, o => o.MaxFileSizeBytes = 1024);

        // ~400-byte records, two per file: 800 bytes per file, so the third file's run lands in part and fails.
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(0, 8, padding: 300));
        await sink.WriteAsync(batch, Ct);

        var outcomes = Enumerable.Range(0, batch.Count).Select(batch.GetOutcome).ToArray();
        Assert.Equal([.. Enumerable.Repeat(LogRecordOutcome.Written, 4), .. Enumerable.Repeat(LogRecordOutcome.Retry, 4)], outcomes);
        Assert.Equal("diskFull", batch.GetReason(4));
        var files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 4), files.SelectMany(LogFiles.ReadIndices)); // whole lines only: the torn record was cut
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);

        // Space comes back: the retried records are written once, after the others.
        disk.Free = 100_000;
        var retry = Some.Retried(batch);
        await sink.WriteAsync(retry, Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(LogRecordOutcome.Written, retry.GetOutcome(0));
        files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 8), files.SelectMany(LogFiles.ReadIndices));
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);
    }

    [Fact]
    public async Task Batch_the_full_disk_took_in_part_throws_counts_nothing_and_leaves_no_torn_line()
    {
        var disk = new FullDisk(freeBytes: 1_000);
        await using var sink = CreateSink(disk, _ => { });
        await sink.WriteEntriesAsync(Some.LogEntries(0, 2), Ct);
        var before = sink.BytesWritten;

        // One run, larger than the space left: the OS takes part of it, then refuses.
        var error = await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(2, 5)), Ct));

        Assert.Equal(FullDisk.NoSpaceHResult, error.HResult);
        Assert.Equal(before, sink.BytesWritten);
        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.json")));
        Assert.Equal(before, new FileInfo(_folder.Combine("log.json")).Length);

        // Still full at shutdown: nothing torn is left behind either.
        await sink.DisposeAsync();
        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    private FileSink CreateSink(FullDisk disk, Action<FileSinkOptions> configure)
    {
        // Unbuffered file streams: the full disk's stream does the buffering, and decides what the "OS" takes.
        var options = new FileSinkOptions { Path = _folder.Combine("log.json"), RetainedFileCount = 100, BufferSize = 0, FlushToDiskInterval = TimeSpan.Zero };
        configure(options);
        return new FileSink("file", options, new ManualTimeProvider(Some.Time), disk.Wrap);
    }
}
