using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// Allocation on the calling thread is a property of the code, not of the machine: these count bytes with
/// GC.GetAllocatedBytesForCurrentThread (deterministic), they do not time anything.
/// </summary>
/// <remarks>
/// Runs alone (<see cref="AllocationCollection"/>), so no other test's logging shares the process-wide holder pools or
/// the JIT while bytes are counted.
/// </remarks>
[Collection(AllocationCollection.Name)]
public sealed partial class HotPathAllocationTests
{
    // The argument list (int, string, double, bool) is used by no other test: holders are pooled per state type,
    // process-wide, and a pool filled by another test's burst would hand this test holders that have never carried a
    // scope, each of which allocates its scope array once (56 B) on first use.
    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Routed request {RequestNumber} to {Provider} in {LatencyMs} ms (cached {Cached})")]
    private static partial void LogRouted(ILogger logger, int requestNumber, string provider, double latencyMs, bool cached);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Cache probe {Key}")]
    private static partial void LogProbe(ILogger logger, string key);

    private sealed class NullSink : ILogSink
    {
        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Enabled_source_generated_call_allocates_nothing_on_the_calling_thread_in_steady_state()
    {
        var options = new HybridLoggingOptions();
        options.AddSink("null", new NullSink());
        await using var provider = new HybridLoggerProvider(options);
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        var logger = factory.CreateLogger("Tests.HybridRouter");
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-1" });
        using var correlation = CorrelationContext.Begin("corr-1");
        for (var i = 0; i < 100; i++)
        {
            LogRouted(logger, i, "bedrock", 12.5, false); // warm up: JIT, pools
        }

        await provider.FlushAsync(TestContext.Current.CancellationToken);
        long allocated = 0;
        for (var i = 0; i < 500; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            LogRouted(logger, i, "bedrock", 12.5, false);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            if (i % 50 == 49)
            {
                // Let the dispatcher hand the holders back, as it does continuously in a running app.
                await provider.FlushAsync(TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(0, allocated);
        await provider.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(600, provider.GetStats().Sinks.Single().Written);
    }

    [Fact]
    public void Call_below_the_minimum_level_allocates_nothing()
    {
        var options = new HybridLoggingOptions { MinimumLevel = LogLevel.Information };
        using var provider = new HybridLoggerProvider(options);
        var direct = provider.CreateLogger("Tests.CacheLayer");
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var viaFactory = factory.CreateLogger("Tests.CacheLayer");
        LogProbe(direct, "warm-up");
        LogProbe(viaFactory, "warm-up");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            LogProbe(direct, "k");
            LogProbe(viaFactory, "k");
            direct.LogDebug("Not logged {Value}", 1); // the extension method boxes its argument before any check: excluded below
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, provider.GetStats().Produced);

        // The LogDebug extension allocates its params array (MEL's API, before our code runs); the source-generated
        // calls allocate nothing, so all bytes measured come from those 10,000 params arrays.
        var generated = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                LogProbe(direct, "k");
                LogProbe(viaFactory, "k");
            }
        });

        Assert.Equal(0, generated);
        Assert.True(bytes >= 10_000 * 24);
    }

    [Fact]
    public void Growing_pool_keeps_every_returned_holder_up_to_its_maximum()
    {
        var pool = new GrowingPool<object>();
        var items = Enumerable.Range(0, 1000).Select(_ => new object()).ToList();
        foreach (var item in items)
        {
            pool.Return(item);
        }

        Assert.True(pool.Capacity >= 1000);
        var rented = new HashSet<object>(ReferenceEqualityComparer.Instance);
        while (pool.TryRent(out var item))
        {
            rented.Add(item);
        }

        Assert.Equal(1000, rented.Count);
        Assert.All(items, i => Assert.Contains(i, rented));

        for (var i = 0; i < GrowingPool<object>.MaxCapacity + 10; i++)
        {
            pool.Return(new object());
        }

        Assert.Equal(GrowingPool<object>.MaxCapacity, pool.Capacity);
    }
}
