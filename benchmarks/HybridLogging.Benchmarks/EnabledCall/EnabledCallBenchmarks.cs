using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Diagnosers;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.EnabledCall;

/// <summary>
/// An enabled [LoggerMessage] call (int, string, double) into each logger's asynchronous pipeline ending in a
/// discarding target. Allocated bytes are those of the calling thread (BDN's MemoryDiagnoser); see the peers mode for
/// all-thread allocation per entry. Every logger blocks when its queue is full, so the time includes back-pressure.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class EnabledCallBenchmarks
{
    private ILoggerFactory _factory = null!;
    private ILogger _logger = null!;

    [Params(Peer.HybridLogging, Peer.Serilog, Peer.NLog, Peer.ZLogger)]
    public Peer Logger { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = Loggers.Create(Logger, null);
        _logger = _factory.CreateLogger(Loggers.Category);
    }

    [GlobalCleanup]
    public void Cleanup() => _factory.Dispose();

    [Benchmark]
    public void Enabled() => Log.Order(_logger, 42, "contoso", 12.5);
}
