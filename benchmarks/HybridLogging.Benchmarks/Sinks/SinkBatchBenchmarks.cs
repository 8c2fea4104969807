using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Sinks.File;
using HybridLogging.Sinks.File.Internal;

namespace HybridLogging.Benchmarks.Sinks;

/// <summary>
/// One batch of 100 entries through the file sink (JSON lines, 64 KiB buffered stream, no fsync per batch). The file is
/// truncated between iterations only by rolling (10 MiB, 2 kept), so disk use stays bounded.
/// </summary>
/// <remarks>The console sink package (HybridLogging.Sinks.Console) has no sink implementation yet, so it has no benchmark here.</remarks>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class SinkBatchBenchmarks
{
    private readonly List<LogEntry> _batch = [.. Enumerable.Range(0, 100).Select(Entries.Order)];
    private TempDir _dir = null!;
    private FileSink _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDir("sink");
        _file = new FileSink("file", new FileSinkOptions
        {
            Path = _dir.File("log.json"),
            RetainedFileCount = 2,
            FlushToDiskInterval = TimeSpan.FromHours(1),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public ValueTask FileSinkBatchOf100() => ((ILogSink)_file).WriteBatchAsync(_batch, CancellationToken.None);
}
