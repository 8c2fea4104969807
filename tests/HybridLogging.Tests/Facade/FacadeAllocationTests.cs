using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>
/// What the facade and the extensions cost the calling thread, in bytes (deterministic; nothing is timed): nothing
/// when the level or the source is off, and nothing in steady state for calls without metadata.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class FacadeAllocationTests
{
    [Fact]
    public async Task Calls_of_a_switched_off_source_allocate_nothing()
    {
        await using var h = new FacadeHarness();
        var logger = h.Logger("Tests.Switched.Inventory");
        var metadata = new Dictionary<string, object?> { ["K"] = 1 };
        h.Facade.ConfigureLogSource("Inventory", enabled: false);

        var bytes = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                h.Facade.Critical("Inventory", "off", null, metadata);
                h.Facade.LogPerformance("Inventory", "op", TimeSpan.FromMilliseconds(1), metadata);
                h.Facade.LogRouting("Inventory", "p", true, "r");
                logger.LogPerformance("op", TimeSpan.FromMilliseconds(1));
                using var operation = logger.BeginOperation("op");
            }
        });

        Assert.Equal(0, bytes);
        Assert.Equal(0, h.Facade.GetStats().Produced);
    }

    [Fact]
    public async Task Calls_below_the_minimum_level_allocate_nothing()
    {
        await using var h = new FacadeHarness(o => o.MinimumLevel = LogLevel.Warning);
        var metadata = new Dictionary<string, object?> { ["K"] = 1 };
        var id = h.Facade.CreateCorrelationContext("req");

        var bytes = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                h.Facade.Debug("Orders", "below", metadata, id);
                h.Facade.Info("Orders", "below", metadata, id);
                h.Facade.LogPerformance("Orders", "op", TimeSpan.FromMilliseconds(1), metadata);
            }
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task Enabled_calls_without_metadata_allocate_nothing_on_the_calling_thread_in_steady_state()
    {
        await using var h = new FacadeHarness();
        var logger = h.Logger("Tests.Steady.Orders");
        var id = h.Facade.CreateCorrelationContext("req-1", "user-1", "session-1");
        void Calls(int i)
        {
            h.Facade.Info("Orders", "Order placed");
            h.Facade.Warn("Orders", "Order slow", correlationId: id);
            h.Facade.LogPerformance("Orders", "payment", TimeSpan.FromTicks(i));
            h.Facade.LogRouting("Orders", "primary", false, "healthy");
            using var operation = logger.BeginOperation("checkout");
        }

        for (var i = 0; i < 200; i++)
        {
            Calls(i); // warm up: JIT, holder pools
        }

        await h.Provider.FlushAsync(TestProvider.Token);
        long allocated = 0;
        for (var i = 0; i < 500; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Calls(i);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            if (i % 50 == 49)
            {
                // Let the dispatcher hand the holders back, as it does continuously in a running app.
                await h.Provider.FlushAsync(TestProvider.Token);
            }
        }

        Assert.Equal(0, allocated);
        Assert.Equal(700 * 5, h.Facade.GetStats().Produced);
    }
}
