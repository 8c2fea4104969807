using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Enqueue;

/// <summary>
/// 40,000 enabled calls per invocation spread over 1, 2 or 4 producer threads into the HybridLogging pipeline (discarding
/// sink, block when full). Time is per call; on 2 cores 4 producers also compete with the dispatcher.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class EnqueueContentionBenchmarks
{
    private const int Total = 40_000;
    private ILoggerFactory _factory = null!;
    private ILogger _logger = null!;

    [Params(1, 2, 4)]
    public int Producers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = Loggers.Create(Peer.HybridLogging, null);
        _logger = _factory.CreateLogger(Loggers.Category);
    }

    [GlobalCleanup]
    public void Cleanup() => _factory.Dispose();

    [Benchmark(OperationsPerInvoke = Total)]
    public void Enqueue()
    {
        var perThread = Total / Producers;
        if (Producers == 1)
        {
            Produce(perThread);
            return;
        }

        var threads = new Thread[Producers];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() => Produce(perThread));
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    private void Produce(int count)
    {
        var logger = _logger;
        for (var i = 0; i < count; i++)
        {
            Log.Order(logger, i, "contoso", 12.5);
        }
    }
}
