using System.Text.Json.Nodes;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>
/// A provider writing JSON lines to a <see cref="LinesSink"/>, the facade over it, and the provider's own logger per
/// category (the <see cref="ILogger"/> side of the comparisons).
/// </summary>
internal sealed class FacadeHarness : IAsyncDisposable
{
    private int _read;

    public FacadeHarness(Action<HybridLoggingOptions>? configure = null, int maxCorrelationContexts = HybridLogAggregator.DefaultMaxCorrelationContexts)
    {
        var options = new HybridLoggingOptions { MinimumLevel = LogLevel.Trace };
        options.AddSink("lines", Sink);
        configure?.Invoke(options);
        Provider = new HybridLoggerProvider(options);
        Facade = new HybridLogAggregator(Provider, maxCorrelationContexts);
    }

    public LinesSink Sink { get; } = new();

    public HybridLoggerProvider Provider { get; }

    public HybridLogAggregator Facade { get; }

    public ILogger Logger(string category) => Provider.CreateLogger(category);

    /// <summary>Flushes and returns the lines written since the last call, parsed.</summary>
    public async Task<List<JsonObject>> NextAsync()
    {
        await Provider.FlushAsync(TestProvider.Token);
        var lines = Sink.Lines;
        var next = lines.Skip(_read).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        _read = lines.Count;
        return next;
    }

    /// <summary>Flushes and returns the only line written since the last call.</summary>
    public async Task<JsonObject> SingleAsync() => Assert.Single(await NextAsync());

    /// <summary>Flushes and returns exactly two lines written since the last call.</summary>
    public async Task<(JsonObject First, JsonObject Second)> PairAsync()
    {
        var lines = await NextAsync();
        Assert.Equal(2, lines.Count);
        return (lines[0], lines[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await Facade.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>
    /// Asserts two entries are the same field by field, except the timestamp (the only field that differs between two
    /// calls; sequence numbers are not written into the JSON line).
    /// </summary>
    public static void SameExceptTimestamp(JsonObject expected, JsonObject actual)
    {
        var left = (JsonObject)expected.DeepClone();
        var right = (JsonObject)actual.DeepClone();
        Assert.True(left.Remove("timestamp"), "the entry has a timestamp");
        Assert.True(right.Remove("timestamp"), "the entry has a timestamp");
        Assert.Equal(left.Select(p => p.Key), right.Select(p => p.Key)); // same fields in the same order
        Assert.True(JsonNode.DeepEquals(left, right), $"expected {left.ToJsonString()}\n but got {right.ToJsonString()}");
    }
}
