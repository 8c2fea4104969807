using System.Diagnostics;
using System.Text.Json;
using HybridLogging.Sinks.Elasticsearch.Internal;
using HybridLogging.Sinks.Elasticsearch.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed partial class ElasticsearchEndToEndTests(ITestOutputHelper output)
{
    private const int EntryCount = 100_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hundred_thousand_entries_through_ILogger_arrive_exactly_once_despite_lost_responses_drops_and_throttling()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => o.MaxDocumentsPerRequest = 500);
        var options = new HybridLoggingOptions
        {
            QueueCapacity = 131_072,
            FullMode = QueueFullMode.Block,
            BlockTimeout = TimeSpan.FromSeconds(5),
            Metadata = { ["service"] = "e2e", ["environment"] = "test" },
        };
        options.AddSink("es", sink, s =>
        {
            s.BatchSize = 2000;
            s.FlushInterval = TimeSpan.FromMilliseconds(50);
            s.QueueCapacity = 200_000;
            s.FullMode = QueueFullMode.Block;
            s.MaxRetries = 10;
            s.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        });

        // Faults spread over the run: each makes the pipeline resend a whole batch, whose already indexed documents
        // must then answer 409 and count as delivered, not be indexed twice.
        fixture.Emulator.Faults.LoseResponses(2);
        // The pipeline numbers entries from 1 in dispatch order: these are the 30,001st, 30,002nd and 77,777th entries.
        fixture.Emulator.Faults.ThrottleOnce([sink.Ids.For(30_001), sink.Ids.For(30_002), sink.Ids.For(77_777)]);
        var stopwatch = Stopwatch.StartNew();
        await using (var provider = new HybridLoggerProvider(options))
        {
            var logger = provider.CreateLogger("MyApp.Orders.Checkout");
            for (var i = 0; i < EntryCount; i++)
            {
                if (i == 50_000)
                {
                    fixture.Emulator.Faults.DropConnections(1);
                }

                LogOrder(logger, i, "acme");
            }

            await provider.FlushAsync(Ct);
            stopwatch.Stop();

            var stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(EntryCount, stats.Received);
            Assert.Equal(EntryCount, stats.Written);
            Assert.Equal(0, stats.Failed);
            Assert.Equal(0, stats.Dropped);
            Assert.Equal(sink.Totals.Duplicates, stats.Counters["duplicates"]);
            Assert.True(stats.Retried >= 3, "the throttled items were retried on their own");
        }

        var documents = fixture.Emulator.Index("logs-hybrid-default");
        Assert.Equal(EntryCount, documents.Count);
        var indices = new bool[EntryCount];
        foreach (var source in documents.Values)
        {
            using var document = JsonDocument.Parse(source);
            var index = document.RootElement.GetProperty("hybrid").GetProperty("properties").GetProperty("Index").GetInt32();
            Assert.False(indices[index], $"entry {index} stored twice");
            indices[index] = true;
        }

        Assert.All(indices, Assert.True);
        Assert.Equal(0, fixture.Emulator.Faults.PendingThrottles);
        Assert.True(sink.Totals.Duplicates > 0, "the injected faults should have caused resends answered with 409");
        var bulks = fixture.Emulator.Requests.Count(r => r.Path == "/_bulk");
        output.WriteLine($"{EntryCount} entries in {stopwatch.ElapsedMilliseconds} ms; {bulks} bulk requests; {sink.Totals.Duplicates} duplicates answered 409");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Index} placed by {Tenant}")]
    private static partial void LogOrder(ILogger logger, int index, string tenant);
}
