using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Streams;

/// <summary>
/// Matching one entry against every stream's compiled filters (what the dispatcher does per entry, on the entry's view)
/// with 1, 10 or 100 streams, each with a level filter and a source filter; half of the streams match.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class StreamRoutingBenchmarks
{
    private readonly LogEntry _entry = Entries.Order();
    private HybridLoggerProvider _provider = null!;
    private readonly LogEntryView _view = new();
    private FilterSet[] _gates = [];

    [Params(1, 10, 100)]
    public int Streams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _provider = new HybridLoggerProvider(new HybridLoggingOptions());
        for (var i = 0; i < Streams; i++)
        {
            _provider.Streams.CreateStream(new LogStreamConfig
            {
                Id = $"s{i}",
                Filters =
                [
                    new LogFilter
                    {
                        Id = "f",
                        MinimumLevel = LogLevel.Information,
                        Sources = [i % 2 == 0 ? Loggers.Category : "Other.Source"],
                    },
                ],
            });
        }

        _gates = [.. _provider.Streams.Snapshot().Streams.Select(s => s.Gate)];
        _view.Load(_entry);
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public int Route()
    {
        var matched = 0;
        foreach (var gate in _gates)
        {
            matched += gate.Matches(_view) ? 1 : 0;
        }

        return matched;
    }
}
