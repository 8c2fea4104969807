using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Flush;

/// <summary>
/// FlushAsync() with 1,000 entries buffered (FlushInterval 1 h, batch size 10,000, so nothing is written before the
/// flush): the time covers dispatching what is left, formatting, writing and fsync of the file.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class FlushLatencyBenchmarks
{
    private TempDir _dir = null!;
    private HybridLoggerProvider _provider = null!;
    private ILogger _logger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDir("flush");
        var options = new HybridLoggingOptions
        {
            FlushInterval = TimeSpan.FromHours(1),
            BatchSize = 10_000,
        };
        options.AddFile("file", f =>
        {
            f.Path = _dir.File("log.json");
            f.RetainedFileCount = 2;
            f.FlushToDiskInterval = TimeSpan.FromHours(1);
        });
        _provider = new HybridLoggerProvider(options);
        _logger = _provider.CreateLogger(Loggers.Category);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _dir.Dispose();
    }

    [IterationSetup]
    public void Buffer()
    {
        for (var i = 0; i < 1_000; i++)
        {
            Log.Order(_logger, i, "contoso", 12.5);
        }
    }

    [Benchmark]
    public Task FlushOf1000() => _provider.FlushAsync();
}
