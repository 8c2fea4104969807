using HybridLogging.Sinks.File.Internal;

namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>File sinks writing <c>log.json</c> in a test's folder.</summary>
internal static class TestSinks
{
    /// <summary>A sink on <c>log.json</c> keeping up to 100 files, on a manual clock at <see cref="Some.Time"/> unless one is given.</summary>
    public static FileSink File(TempFolder folder, Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file")
    {
        var options = new FileSinkOptions { Path = folder.Combine("log.json"), RetainedFileCount = 100 };
        configure(options);
        return new FileSink(name, options, clock ?? new ManualTimeProvider(Some.Time));
    }

    /// <summary>
    /// Formats <paramref name="entries"/> with the sink's formatter, writes them as one batch and asserts that every
    /// record counts as written; returns the batch.
    /// </summary>
    public static async Task<LogRecordBatch> WriteEntriesAsync(this IFormattedLogSink sink, IEnumerable<LogEntry> entries, CancellationToken cancellationToken)
    {
        var batch = Some.Batch(sink.Formatter, entries);
        await sink.WriteAsync(batch, cancellationToken);
        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        return batch;
    }
}
