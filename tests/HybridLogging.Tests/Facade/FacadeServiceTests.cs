using HybridLogging.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>The facade as a service: registration, delegation to the provider, shutdown, and calls that never throw.</summary>
public sealed class FacadeServiceTests
{
    [Fact]
    public async Task AddHybridLogging_registers_one_facade_over_the_registered_provider()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink);
        var facade = host.Services.GetRequiredService<HybridLogAggregator>();

        Assert.Same(facade, host.Services.GetRequiredService<HybridLogAggregator>());
        Assert.Same(host.Provider, facade.Provider);
        facade.Info("Orders", "through the container");
        await facade.FlushAsync(TestProvider.Token);
        Assert.Equal("Orders", Assert.Single(sink.Entries).Source);
        Assert.Equal(1, facade.GetStats().Produced);
        Assert.Equal(1, facade.GetStats().Sinks.Single().Written);
    }

    [Fact]
    public void A_container_disposed_synchronously_disposes_the_facade_and_drains_what_it_logged()
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection().AddLogging(b => b.AddHybridLogging(o => o.AddSink("collect", sink))).BuildServiceProvider();
        var facade = services.GetRequiredService<HybridLogAggregator>();
        facade.CreateCorrelationContext("req");
        facade.Info("Orders", "before dispose");

        services.Dispose(); // throws for a service that is only IAsyncDisposable
        Assert.Equal(0, facade.OpenCorrelationContexts);
        Assert.Equal("before dispose", Assert.Single(sink.Entries).Message);
    }

    [Fact]
    public async Task UpdateRetentionPolicyAsync_reaches_every_sink_that_supports_retention()
    {
        var retaining = new RetainingSink();
        var options = new HybridLoggingOptions();
        options.AddSink("retaining", retaining);
        options.AddSink("plain", new CollectingSink());
        await using var provider = new HybridLoggerProvider(options);
        await using var facade = new HybridLogAggregator(provider);

        Assert.Equal(1, await facade.UpdateRetentionPolicyAsync(14, TestProvider.Token));
        Assert.Equal([14], retaining.Days);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => facade.UpdateRetentionPolicyAsync(0, TestProvider.Token));
    }

    [Fact]
    public async Task ShutdownAsync_drains_then_stops_the_pipeline_and_later_calls_are_counted_as_dropped()
    {
        var sink = new CollectingSink();
        var provider = TestProvider.Create(sink);
        var facade = new HybridLogAggregator(provider);
        facade.CreateCorrelationContext("req");
        for (var i = 0; i < 100; i++)
        {
            facade.Info("Orders", "before shutdown");
        }

        await facade.ShutdownAsync();
        Assert.Equal(100, sink.Count);
        Assert.Equal(0, facade.OpenCorrelationContexts);
        facade.Info("Orders", "after shutdown");
        var stats = facade.GetStats();
        Assert.Equal(101, stats.Produced);
        Assert.Equal(1, stats.DroppedShutdown);
        await facade.DisposeAsync(); // after shutdown: nothing to flush, no exception
    }

    [Fact]
    public async Task Calls_with_null_or_hostile_arguments_never_throw()
    {
        await using var h = new FacadeHarness();
        var throwing = new ThrowingDictionary();
        h.Facade.Info(null!, null!);
        h.Facade.Warn("Orders", "hostile metadata", throwing);
        h.Facade.LogPerformance("Orders", null!, TimeSpan.MaxValue, throwing);
        h.Facade.LogRouting("Orders", null!, true, null!, new Dictionary<string, object?> { ["{OriginalFormat}"] = "{Evil}" });
        Assert.False(h.Facade.RemoveCorrelationContext(null!));

        var lines = await h.NextAsync();
        Assert.Equal(2, lines.Count); // the two calls whose metadata could not be read were reported, not thrown
        Assert.Equal(string.Empty, (string?)lines[0]["source"]);
        Assert.Equal("Routed to  (fallback used: True): ", (string?)lines[1]["message"]);
    }

    private sealed class RetainingSink : ILogSink, ISupportsRetention
    {
        public List<int> Days { get; } = [];

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SetRetentionAsync(int days, CancellationToken cancellationToken)
        {
            Days.Add(days);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Metadata whose enumeration throws (a dictionary changed by another thread, a hostile implementation).</summary>
    private sealed class ThrowingDictionary : Dictionary<string, object?>, IReadOnlyDictionary<string, object?>
    {
        public ThrowingDictionary() => this["K"] = 1;

        IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => throw new InvalidOperationException("hostile");

        IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => throw new InvalidOperationException("hostile");
    }
}
