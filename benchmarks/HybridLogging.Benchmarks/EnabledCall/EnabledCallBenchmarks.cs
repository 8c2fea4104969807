using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Diagnosers;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.EnabledCall;

/// <summary>
/// An enabled [LoggerMessage] call (int, string, double) into each logger's asynchronous pipeline ending in a
/// discarding target. Allocated bytes are those of the calling thread (BDN's MemoryDiagnoser); see the peers mode for
/// all-thread allocation per entry. Every logger blocks when its queue is full, so the time includes back-pressure.
/// <c>EnabledWithException</c> logs the sample's failure call with one of 1,024 exceptions thrown at one site: the
/// peers keep the exception's reference and format it on their own threads, HybridLogging takes its details on the
/// calling thread (the exception is a mutable argument).
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class EnabledCallBenchmarks
{
    private ILoggerFactory _factory = null!;
    private ILogger _logger = null!;
    private ProviderException[] _failures = [];
    private int _next;

    [Params(Peer.HybridLogging, Peer.Serilog, Peer.NLog, Peer.ZLogger)]
    public Peer Logger { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = Loggers.Create(Logger, null);
        _logger = _factory.CreateLogger(Loggers.Category);

        // A failure that repeats: distinct exceptions thrown along the same frames, logged in turn.
        _failures = [.. Enumerable.Range(0, 1024).Select(i => ProviderException.Thrown("openai", "Timeout", i))];
    }

    [GlobalCleanup]
    public void Cleanup() => _factory.Dispose();

    [Benchmark]
    public void Enabled() => Log.Order(_logger, 42, "contoso", 12.5);

    /// <summary>The sample's failure call with its exception: HybridLogging takes the exception's details here.</summary>
    [Benchmark]
    public void EnabledWithException() =>
        SampleLog.LogPrimaryFailed(_logger, _failures[_next++ & 1023], "openai", "anthropic", "primary failed", "Timeout", 1250.5);
}
