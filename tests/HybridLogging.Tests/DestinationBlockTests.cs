using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class DestinationBlockTests
{
    [Fact]
    public async Task Blocking_destination_with_a_tiny_queue_loses_nothing_while_its_sink_is_slow()
    {
        var sink = new SlowSink();
        var options = new HybridLoggingOptions
        {
            QueueCapacity = 8,
            FullMode = QueueFullMode.Block,
            BlockTimeout = TimeSpan.FromSeconds(30),
            BatchSize = 4,
            FlushInterval = TimeSpan.FromMilliseconds(10),
        };
        options.AddSink("slow", sink, s =>
        {
            s.QueueCapacity = 4;
            s.FullMode = QueueFullMode.Block;
        });
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.MetricsPublisher");
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                logger.LogInformation("Entry {Index}", i);
            }
        }, TestContext.Current.CancellationToken);

        await sink.FirstWriteStarted.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(producer.IsCompleted); // 200 entries cannot fit in 8 + 4 + a batch: the producer is held back
        sink.Open();
        await producer.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await provider.FlushAsync(TestContext.Current.CancellationToken);

        var stats = provider.GetStats();
        var destination = stats.Sinks.Single();
        Assert.Equal(200, stats.Produced);
        Assert.Equal(0, stats.Dropped);
        Assert.Equal(200, destination.Written);
        Assert.Equal(0, destination.Dropped);
        Assert.Equal(200, sink.Written);
    }
}
