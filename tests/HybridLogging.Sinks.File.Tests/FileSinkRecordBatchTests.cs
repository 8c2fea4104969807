using HybridLogging.Formatting;
using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>
/// Record batches (<see cref="IFormattedLogSink.WriteAsync"/>) as the pipeline hands them: the records' bytes land in
/// the file as they are, in few writes, only whole records per file, each record once even when part of a batch failed.
/// </summary>
public sealed class FileSinkRecordBatchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Records_land_in_the_file_byte_for_byte()
    {
        await using var sink = CreateSink(_ => { });
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(0, 10));

        await sink.WriteAsync(batch, Ct);
        await sink.FlushAsync(Ct);

        Assert.Same(JsonLogFormatter.Instance, sink.Formatter);
        Assert.Equal(Some.Bytes(batch), await System.IO.File.ReadAllBytesAsync(_folder.Combine("log.json"), Ct));
        Assert.Equal(batch.TotalBytes, sink.BytesWritten);
    }

    [Fact]
    public async Task Text_format_sink_takes_records_of_the_text_formatter()
    {
        await using var sink = CreateSink(o => o.Format = LogFormat.Text);

        await sink.WriteEntriesAsync([Some.LogEntry(0, "plain")], Ct);
        await sink.FlushAsync(Ct);

        Assert.IsType<TextLogFormatter>(sink.Formatter);
        Assert.Equal("text", sink.Formatter.Key);
        Assert.EndsWith("[Tests] plain", Assert.Single(LogFiles.ReadLines(_folder.Combine("log.json"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_adjacent_records_within_the_limit_is_one_write()
    {
        await using var sink = CreateSink(_ => { });
        var writes = 0;
        sink.BeforeWrite = () => writes++;

        await sink.WriteEntriesAsync(Some.LogEntries(0, 500), Ct);

        Assert.Equal(1, writes);
    }

    [Fact]
    public async Task Rolling_by_size_splits_only_at_record_ends_and_keeps_every_record_once()
    {
        const long maxBytes = FileSinkOptions.MinFileSizeBytes;
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = maxBytes);

        // Records of uneven length (about 200 to 600 bytes) in batches of uneven size, so the file fills at every offset.
        var entries = Enumerable.Range(0, 120).Select(i => Some.LogEntry(i, padding: i * 37 % 400)).ToArray();
        var written = new List<byte>();
        for (var from = 0; from < entries.Length;)
        {
            var count = Math.Min(1 + (from % 7), entries.Length - from);
            var batch = await sink.WriteEntriesAsync(entries[from..(from + count)], Ct);
            written.AddRange(Some.Bytes(batch));
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
    public async Task Record_larger_than_the_limit_is_written_alone_into_its_own_file()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);

        await sink.WriteEntriesAsync([Some.LogEntry(0), Some.LogEntry(1, padding: 5000), Some.LogEntry(2)], Ct);
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal([[0], [1], [2]], files.Select(LogFiles.ReadIndices).ToArray());
        Assert.True(new FileInfo(files[1]).Length > 5000);
    }

    [Fact]
    public async Task Records_beyond_a_write_chunk_are_written_in_pieces_that_end_at_record_ends()
    {
        await using var sink = CreateSink(o => o.BufferSize = 0); // every piece goes straight to the file
        var pieces = new List<long>();
        sink.BeforeWrite = () => pieces.Add(new FileInfo(_folder.Combine("log.json")).Length);

        // About 3 MiB: small records around one longer than a write chunk (1 MiB), which must not be split.
        var entries = Some.LogEntries(0, 4000, padding: 200).Concat([Some.LogEntry(4000, padding: 1_500_000)]).Concat(Some.LogEntries(4001, 4000, padding: 200)).ToArray();
        var batch = await sink.WriteEntriesAsync(entries, Ct);
        await sink.FlushAsync(Ct);

        var bytes = Some.Bytes(batch);
        Assert.True(pieces.Count >= 3, $"expected several writes, got {pieces.Count}");
        Assert.All(pieces, offset => Assert.True(offset == 0 || bytes[offset - 1] == (byte)'\n', $"a write started inside a record at {offset}"));
        Assert.Equal(bytes, await System.IO.File.ReadAllBytesAsync(_folder.Combine("log.json"), Ct));
    }

    [Fact]
    public async Task Records_in_separate_memory_are_written_in_order()
    {
        await using var sink = CreateSink(_ => { });

        // Each record in its own array: one segment per record.
        var records = Some.LogEntries(0, 5).Select(e => Some.Batch(sink.Formatter, e)[0]).ToArray();
        var batch = LogRecordBatch.FromRecords(records);
        Assert.Equal(5, batch.SegmentCount);
        await sink.WriteAsync(batch, Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 5), LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Retried_records_are_the_ones_not_yet_in_the_file(int failingWrite)
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(0, 6, padding: 300)); // two records per file: three writes with rolls between

        // One write of the batch fails once.
        var writes = 0;
        sink.BeforeWrite = () =>
        {
            if (++writes == failingWrite)
            {
                throw new IOException("device error");
            }
        };
        LogRecordBatch retry;
        if (failingWrite == 1)
        {
            // Nothing reached the file: the sink throws and the pipeline retries the whole batch.
            await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(batch, Ct));
            retry = batch;
        }
        else
        {
            await sink.WriteAsync(batch, Ct);
            Assert.Equal(6 - ((failingWrite - 1) * 2), Enumerable.Range(0, 6).Count(i => batch.GetOutcome(i) == LogRecordOutcome.Retry));
            retry = Some.Retried(batch);
        }

        await sink.WriteAsync(retry, Ct);
        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.Equal(Enumerable.Range(0, 6), files.SelectMany(LogFiles.ReadIndices));
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), sink.BytesWritten);
    }

    [Fact]
    public async Task BytesWritten_equals_the_record_bytes_written_across_rolled_files()
    {
        await using var sink = CreateSink(o => o.MaxFileSizeBytes = 2048);
        long total = 0;
        for (var i = 0; i < 20; i++)
        {
            var batch = await sink.WriteEntriesAsync(Some.LogEntries(i * 7, 7, padding: i * 10), Ct);
            total += batch.TotalBytes;
        }

        await sink.FlushAsync(Ct);

        var files = LogFiles.List(_folder.Path);
        Assert.True(files.Length > 5);
        Assert.Equal(total, sink.BytesWritten);
        Assert.Equal(total, files.Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task Entry_batches_from_the_current_pipeline_are_formatted_with_the_sinks_formatter()
    {
        await using var sink = CreateSink(_ => { });

        await ((ILogSink)sink).WriteBatchAsync(Some.LogEntries(0, 3), Ct);
        await sink.FlushAsync(Ct);

        Assert.Equal([0, 1, 2], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    private FileSink CreateSink(Action<FileSinkOptions> configure) => TestSinks.File(_folder, configure);
}
