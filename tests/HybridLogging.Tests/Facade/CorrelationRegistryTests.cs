namespace HybridLogging.Tests.Facade;

/// <summary>The facade's registry of correlation contexts: ids attached by id, removal, the bound and its evictions.</summary>
public sealed class CorrelationRegistryTests
{
    [Fact]
    public async Task A_created_context_attaches_its_ids_to_every_call_naming_it()
    {
        await using var h = new FacadeHarness();
        var id = h.Facade.CreateCorrelationContext("req-7", "user-7", sessionId: null);
        Assert.Matches("^[0-9a-f]{32}$", id);
        h.Facade.Debug("Orders", "one", correlationId: id);
        h.Facade.Error("Orders", "two", new InvalidOperationException("x"), new Dictionary<string, object?> { ["K"] = 1 }, id);

        foreach (var line in await h.NextAsync())
        {
            Assert.Equal(id, (string?)line["correlationId"]);
            Assert.Equal("req-7", (string?)line["requestId"]);
            Assert.Equal("user-7", (string?)line["userId"]);
            Assert.False(line.ContainsKey("sessionId"), "an id not given is left out");
        }
    }

    [Fact]
    public async Task A_removed_context_is_no_longer_attached_and_its_id_is_written_alone()
    {
        await using var h = new FacadeHarness();
        var id = h.Facade.CreateCorrelationContext("req-1", "user-1", "s-1");
        Assert.Equal(1, h.Facade.OpenCorrelationContexts);
        Assert.True(h.Facade.RemoveCorrelationContext(id));
        Assert.False(h.Facade.RemoveCorrelationContext(id));
        Assert.Equal(0, h.Facade.OpenCorrelationContexts);
        h.Facade.Info("Orders", "after removal", correlationId: id);

        var line = await h.SingleAsync();
        Assert.Equal(id, (string?)line["correlationId"]);
        Assert.False(line.ContainsKey("requestId"));
        Assert.False(line.ContainsKey("userId"));
        Assert.False(line.ContainsKey("properties"), "the id lifts into its field, never into properties");
    }

    [Fact]
    public async Task A_call_without_a_context_id_carries_the_ambient_context()
    {
        await using var h = new FacadeHarness();
        using (CorrelationContext.Begin("ambient-1", requestId: "req-a"))
        {
            h.Facade.Info("Orders", "inside");
        }

        var line = await h.SingleAsync();
        Assert.Equal("ambient-1", (string?)line["correlationId"]);
        Assert.Equal("req-a", (string?)line["requestId"]);
    }

    [Fact]
    public async Task The_registry_is_bounded_and_evicts_the_oldest_contexts_first()
    {
        await using var h = new FacadeHarness(maxCorrelationContexts: 3);
        var ids = Enumerable.Range(0, 5).Select(i => h.Facade.CreateCorrelationContext($"req-{i}", null, null)).ToList();

        Assert.Equal(3, h.Facade.OpenCorrelationContexts);
        Assert.Equal(3, h.Facade.MaxCorrelationContexts);
        Assert.Equal(2, h.Facade.Correlations.Evicted);
        Assert.False(h.Facade.RemoveCorrelationContext(ids[0]), "the oldest was evicted");
        Assert.False(h.Facade.RemoveCorrelationContext(ids[1]));
        h.Facade.Info("Orders", "evicted", correlationId: ids[1]);
        h.Facade.Info("Orders", "open", correlationId: ids[2]);

        var (evicted, open) = await h.PairAsync();
        Assert.Equal(ids[1], (string?)evicted["correlationId"]);
        Assert.False(evicted.ContainsKey("requestId"));
        Assert.Equal("req-2", (string?)open["requestId"]);
    }

    [Fact]
    public async Task Removing_contexts_frees_room_so_creating_and_removing_never_evicts()
    {
        await using var h = new FacadeHarness(maxCorrelationContexts: 2);
        for (var i = 0; i < 10_000; i++)
        {
            var id = h.Facade.CreateCorrelationContext($"req-{i}");
            Assert.True(h.Facade.RemoveCorrelationContext(id));
        }

        Assert.Equal(0, h.Facade.OpenCorrelationContexts);
        Assert.Equal(0, h.Facade.Correlations.Evicted);
    }

    [Fact]
    public async Task Contexts_created_and_removed_from_many_threads_stay_within_the_bound()
    {
        await using var h = new FacadeHarness(maxCorrelationContexts: 64);
        var removed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var id = h.Facade.CreateCorrelationContext($"req-{t}-{i}");
                h.Facade.Debug("Orders", "work", correlationId: id);
                if (i % 2 == 0 && h.Facade.RemoveCorrelationContext(id))
                {
                    Interlocked.Increment(ref removed);
                }
            }
        }, TestContext.Current.CancellationToken)));

        // Every context created is exactly one of open, removed or evicted.
        Assert.Equal(64, h.Facade.OpenCorrelationContexts);
        Assert.Equal(8 * 2_000, 64 + removed + h.Facade.Correlations.Evicted);
    }

    [Fact]
    public async Task Disposing_the_facade_closes_every_context()
    {
        var h = new FacadeHarness();
        h.Facade.CreateCorrelationContext("req-1");
        await h.Facade.DisposeAsync();
        Assert.Equal(0, h.Facade.OpenCorrelationContexts);
        await h.DisposeAsync();
    }
}
