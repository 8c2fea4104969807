using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class DestinationThreadTests
{
    [Fact]
    public async Task Destination_loop_writes_from_its_own_thread_and_comes_back_to_it_after_an_asynchronous_write()
    {
        var sink = new YieldingSink();
        var options = new HybridLoggingOptions { BatchSize = 10, FlushInterval = TimeSpan.FromMilliseconds(10) };
        options.AddSink("yielding", sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Orders");

        for (var round = 0; round < 3; round++)
        {
            logger.LogInformation("Order {Round} placed", round);
            await provider.FlushAsync(TestContext.Current.CancellationToken);
        }

        // Every write went asynchronous (Task.Yield) and left the loop on a pool thread; each later batch was still
        // started from the destination's own thread, where the loop went back to sleep.
        Assert.Equal(3, sink.Written);
        Assert.Equal(3, sink.Threads.Count);
        Assert.All(sink.Threads, name => Assert.Equal("HybridLogging sink yielding", name));
        Assert.Equal(3, provider.GetStats().Sinks.Single().Written);
    }

    [Fact]
    public async Task A_destination_thread_does_not_carry_the_activity_or_correlation_of_the_code_that_created_it()
    {
        // A destination made inside a request (a provider built there, a stream added at run time) must not run its
        // sink under that request's Activity and correlation: a cloud sink's HTTP calls would join the request's trace.
        var sink = new ContextRecordingSink();
        var options = new HybridLoggingOptions { BatchSize = 10, FlushInterval = TimeSpan.FromMilliseconds(10) };
        options.AddSink("recording", sink);
        HybridLoggerProvider provider;
        using (var request = new Activity("request").Start())
        using (CorrelationContext.Begin(correlationId: "creating-request"))
        {
            provider = new HybridLoggerProvider(options);
        }

        await using (provider)
        {
            provider.CreateLogger("Tests.Orders").LogInformation("Order {Id} placed", 1);
            await provider.FlushAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, sink.Batches);
        Assert.Null(sink.SeenActivity);
        Assert.Null(sink.SeenCorrelation);
    }

    private sealed class ContextRecordingSink : ILogSink
    {
        public int Batches { get; private set; }

        public string? SeenActivity { get; private set; }

        public string? SeenCorrelation { get; private set; }

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            Batches++;
            SeenActivity ??= Activity.Current?.OperationName;
            SeenCorrelation ??= CorrelationContext.Current?.CorrelationId;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class YieldingSink : ILogSink
    {
        private long _written;

        public List<string?> Threads { get; } = [];

        public long Written => Interlocked.Read(ref _written);

        public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            lock (Threads)
            {
                Threads.Add(Thread.CurrentThread.Name);
            }

            await Task.Yield();
            Interlocked.Add(ref _written, batch.Count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
