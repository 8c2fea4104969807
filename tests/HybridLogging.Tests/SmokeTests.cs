using HybridLogging;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class SmokeTests
{
    private sealed class CollectingSink : ILogSink
    {
        public List<LogEntry> Entries { get; } = [];

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            lock (Entries)
            {
                Entries.AddRange(batch);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Logged_entry_reaches_sink_after_flush()
    {
        var sink = new CollectingSink();
        var options = new HybridLoggingOptions();
        options.AddSink("collect", sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("MyApp.Routing.HybridRouter");
        using (CorrelationContext.Begin("corr-1"))
        {
            logger.LogInformation("Routed {Provider} in {LatencyMs} ms", "bedrock", 12.5);
        }

        await provider.FlushAsync(TestContext.Current.CancellationToken);
        var entry = Assert.Single(sink.Entries);
        Assert.Equal("HybridRouter", entry.Source);
        Assert.Equal("corr-1", entry.CorrelationId);
        Assert.Equal("bedrock", entry.Routing?.Provider);
        Assert.Equal(12.5, entry.Performance?.LatencyMs);
        Assert.Equal("Routed bedrock in 12.5 ms", entry.Message);
    }
}
