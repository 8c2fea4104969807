using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class IsolationTests
{
    [Fact]
    public async Task Throwing_and_hanging_sinks_do_not_affect_a_healthy_sink()
    {
        const int Count = 50;
        var healthy = new CollectingSink();
        var throwing = new ThrowingSink();
        var hanging = new HangingSink();
        var options = new HybridLoggingOptions { BatchSize = 10, ShutdownTimeout = TimeSpan.FromSeconds(2) };
        options.AddSink("healthy", healthy);
        options.AddSink("throwing", throwing, s =>
        {
            s.MaxRetries = 1;
            s.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        });
        options.AddSink("hanging", hanging, s =>
        {
            s.MaxRetries = 1;
            s.WriteTimeout = TimeSpan.FromMilliseconds(200);
        });
        var provider = new HybridLoggerProvider(options);
        try
        {
            var logger = provider.CreateLogger("Tests.Isolation");
            for (var i = 0; i < Count; i++)
            {
                logger.LogInformation("entry {I}", i); // never throws into the app
            }

            await provider.FlushAsync(TestProvider.Token);

            Assert.Equal(Count, healthy.Count);
            var stats = provider.GetStats().Sinks.ToDictionary(s => s.Name);
            Assert.Equal(Count, stats["healthy"].Written);

            var throwingStats = stats["throwing"];
            Assert.Equal(Count, throwingStats.Failed);
            Assert.Equal(0, throwingStats.Written);
            Assert.Equal(throwingStats.Batches, throwingStats.Retried); // one retry per batch
            Assert.Equal(throwingStats.Batches * 2, throwing.Calls);
            Assert.NotNull(throwingStats.LastError);

            var hangingStats = stats["hanging"];
            Assert.Equal(Count, hangingStats.Failed);
            Assert.Equal(0, hangingStats.Retried); // a timed-out write is never retried (calls would overlap)
            Assert.Equal(1, hanging.Calls); // later batches fail at once while the hung call is outstanding
            Assert.Equal(0, hangingStats.Pending);
        }
        finally
        {
            await provider.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestProvider.Token);
            hanging.Release();
        }

        Assert.True(healthy.IsDisposed);
        var final = provider.GetStats();
        Assert.All(final.Sinks, s => Assert.Equal(Count, s.Written + s.Failed + s.Dropped));
    }

    [Fact]
    public async Task Failures_are_reported_to_the_self_log_not_to_the_app()
    {
        var throwing = new ThrowingSink();
        var reports = new SelfLogCapture();
        var provider = TestProvider.Create(throwing, configureSink: s => s.MaxRetries = 0);
        var logger = provider.CreateLogger("Tests.Isolation");
        using (reports.Start())
        {
            logger.LogError(new InvalidOperationException("app error"), "failing {I}", 1);
            await provider.FlushAsync(TestProvider.Token);
            await provider.DisposeAsync();
        }

        Assert.Equal(1, Assert.Single(provider.GetStats().Sinks).Failed);
        Assert.Contains(reports.Messages, m => m.Contains("Destination 'collect'", StringComparison.Ordinal) && m.Contains("sink is broken", StringComparison.Ordinal));
    }
}
