using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Streams;

/// <summary>
/// Routing one entry through the stream manager (<see cref="IEntryRoute.Route"/>, what the dispatcher does per entry)
/// with 1, 10 or 100 streams, each with a level filter and a source filter; half of the streams match.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class StreamRoutingBenchmarks
{
    private readonly LogEntry _entry = Entries.Order();
    private HybridLoggerProvider _provider = null!;
    private IEntryRoute _route = null!;

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

        _route = _provider.Streams;
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public void Route() => _route.Route(_entry);
}
