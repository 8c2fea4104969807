using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>
/// Pre-formatted JSON lines (<see cref="IJsonLinesSink"/>) follow the same file rules as entries: whole lines only,
/// rolling before the limit, each line once even when a failed batch is retried.
/// </summary>
public sealed class FileSinkJsonLinesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Json_lines_land_in_the_file_byte_for_byte()
    {
        await using var sink = CreateSink(_ => { });
        var lines = Some.JsonLines(Some.LogEntries(0, 10));

        Assert.True(sink.AcceptsJsonLines);
        await sink.WriteJsonLinesAsync(lines, 10, Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(lines, await System.IO.File.ReadAllBytesAsync(_folder.Combine("log.json"), Ct));
        Assert.Equal(lines.Length, sink.BytesWritten);
    }

    [Fact]
    public async Task Rolling_by_size_splits_json_lines_only_at_line_ends_and_keeps_every_line_once()
    {
        const long maxBytes = FileSinkOptions.MinFileSizeBytes;
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = maxBytes);

        // Lines of uneven length (about 200 to 600 bytes) in batches of uneven size, so the file fills at every offset.
        var entries = Enumerable.Range(0, 120).Select(i => Some.LogEntry(i, padding: i * 37 % 400)).ToArray();
        var written = new List<byte>();
        for (var from = 0; from < entries.Length;)
        {
            var count = Math.Min(1 + (from % 7), entries.Length - from);
            var lines = Some.JsonLines(entries[from..(from + count)]);
            await sink.WriteJsonLinesAsync(lines, count, Ct);
            written.AddRange(lines);
            from += count;
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.True(files.Length > 20, $"expected many rolled files, got {files.Length}");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, maxBytes));
        Assert.Equal(Enumerable.Range(0, 120), files.SelectMany(LogFiles.ReadIndices)); // whole JSON lines, each once, in order
        Assert.Equal(written, files.SelectMany(System.IO.File.ReadAllBytes));
    }

    [Fact]
    public async Task Json_line_larger_than_the_limit_is_written_alone_into_its_own_file()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);

        await sink.WriteJsonLinesAsync(Some.JsonLines(Some.LogEntry(0), Some.LogEntry(1, padding: 5000), Some.LogEntry(2)), 3, Ct);
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal([[0], [1], [2]], files.Select(LogFiles.ReadIndices).ToArray());
        Assert.True(new FileInfo(files[1]).Length > 5000);
    }

    [Fact]
    public async Task Json_lines_beyond_a_write_chunk_are_written_in_pieces_that_end_at_line_ends()
    {
        await using var sink = CreateSink(o => o.BufferSize = 0); // every piece goes straight to the file
        var pieces = new List<long>();
        sink.BeforeWrite = () => pieces.Add(new FileInfo(_folder.Combine("log.json")).Length);

        // About 3 MiB: small lines around one line longer than a write chunk (1 MiB), which must not be split.
        var entries = Some.LogEntries(0, 4000, padding: 200).Concat([Some.LogEntry(4000, padding: 1_500_000)]).Concat(Some.LogEntries(4001, 4000, padding: 200)).ToArray();
        var lines = Some.JsonLines(entries);
        await sink.WriteJsonLinesAsync(lines, entries.Length, Ct);
        await sink.FlushAsync(Ct);

        Assert.True(pieces.Count >= 3, $"expected several writes, got {pieces.Count}");
        Assert.All(pieces, offset => Assert.True(offset == 0 || lines[offset - 1] == (byte)'\n', $"a write started inside a line at {offset}"));
        Assert.Equal(lines, await System.IO.File.ReadAllBytesAsync(_folder.Combine("log.json"), Ct));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Retried_json_lines_continue_after_the_lines_already_written(int failingWrite)
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);
        var lines = Some.JsonLines(Some.LogEntries(0, 6, padding: 300)); // two lines per file: three writes with rolls between

        // One write of the batch fails once, as a full disk would.
        var writes = 0;
        sink.BeforeWrite = () =>
        {
            if (++writes == failingWrite)
            {
                throw new IOException("No space left on device");
            }
        };
        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteJsonLinesAsync(lines, 6, Ct));
        await sink.WriteJsonLinesAsync(lines, 6, Ct); // the pipeline retries with the same memory
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 6), files.SelectMany(LogFiles.ReadIndices));
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);
    }

    [Fact]
    public async Task Json_lines_reusing_a_failed_batch_buffer_are_written_from_their_start()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);
        var fail = 2;
        sink.BeforeWrite = () =>
        {
            if (--fail == 0)
            {
                throw new IOException("transient");
            }
        };

        // The pipeline gives up on a batch and formats the next one, of the same length, into the same buffer.
        var buffer = Some.JsonLines(Some.LogEntries(10, 6, padding: 300));
        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteJsonLinesAsync(buffer, 6, Ct));
        var next = Some.JsonLines(Some.LogEntries(20, 6, padding: 300));
        Assert.Equal(buffer.Length, next.Length);
        next.CopyTo(buffer, 0);
        await sink.WriteJsonLinesAsync(buffer, 6, Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([10, 11, 20, 21, 22, 23, 24, 25], LogFiles.List(_folder.Path).SelectMany(LogFiles.ReadIndices));
    }

    [Fact]
    public async Task BytesWritten_equals_the_json_line_bytes_written_across_rolled_files()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 2048);
        long total = 0;
        for (var i = 0; i < 20; i++)
        {
            var lines = Some.JsonLines(Some.LogEntries(i * 7, 7, padding: i * 10));
            await sink.WriteJsonLinesAsync(lines, 7, Ct);
            total += lines.Length;
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.True(files.Length > 5);
        Assert.Equal(total, sink.BytesWritten);
        Assert.Equal(total, files.Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task Entries_and_json_lines_can_be_mixed_in_one_file_and_across_rolls()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);

        await sink.WriteBatchAsync(Some.LogEntries(0, 2), Ct);
        await sink.WriteJsonLinesAsync(Some.JsonLines(Some.LogEntries(2, 2)), 2, Ct);
        await sink.WriteBatchAsync([Some.LogEntry(4, padding: 300)], Ct);
        await sink.WriteJsonLinesAsync(Some.JsonLines(Some.LogEntries(5, 3, padding: 300)), 3, Ct);
        await sink.WriteBatchAsync([Some.LogEntry(8)], Ct);
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 9), files.SelectMany(LogFiles.ReadIndices));
        Assert.Equal([0, 1, 2, 3], LogFiles.ReadIndices(files[0]));
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
    }

    [Fact]
    public async Task Failed_roll_keeps_every_json_line_in_the_active_file_and_rolls_on_a_later_write()
    {
        var clock = new ManualTimeProvider(Some.Time);
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024, clock);

        // A directory where the rolled file should go makes the rename fail.
        var blocker = Directory.CreateDirectory(_folder.Combine("log.20260101T101500Z.1.json"));
        await sink.WriteJsonLinesAsync(Some.JsonLines(Some.LogEntries(0, 6, padding: 300)), 6, Ct);
        await sink.FlushAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 6), LogFiles.ReadIndices(_folder.Combine("log.json")));

        blocker.Delete();
        clock.Now += TimeSpan.FromSeconds(31);
        await sink.WriteJsonLinesAsync(Some.JsonLines(Some.LogEntry(6, padding: 300)), 1, Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 6), LogFiles.ReadIndices(_folder.Combine("log.20260101T101500Z.1.json")));
        Assert.Equal([6], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    private FileSink CreateSink(Action<FileSinkOptions> configure, TimeProvider? clock = null) =>
        TestSinks.File(_folder, configure, clock);
}
