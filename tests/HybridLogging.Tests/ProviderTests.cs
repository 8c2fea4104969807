using System.Diagnostics.Metrics;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class ProviderTests
{
    [Fact]
    public async Task AddHybridLogging_twice_registers_one_provider()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddHybridLogging().AddHybridLogging(o => o.MinimumLevel = LogLevel.Debug).AddHybridLogging());
        await using var sp = services.BuildServiceProvider();

        var providers = sp.GetServices<ILoggerProvider>().OfType<HybridLoggerProvider>().ToArray();
        var single = Assert.Single(providers);
        Assert.Same(sp.GetRequiredService<HybridLoggerProvider>(), single);
        Assert.Single(sp.GetServices<IHostedService>());
        Assert.Equal(LogLevel.Debug, single.Options.MinimumLevel);
    }

    [Fact]
    public async Task Disposing_the_logger_factory_flushes_everything()
    {
        var sink = new CollectingSink();
        var factory = TestProvider.Factory(sink, o => o.FlushInterval = TimeSpan.FromHours(1));
        var logger = factory.CreateLogger("Tests.Provider");
        for (var i = 0; i < 25; i++)
        {
            logger.LogInformation("entry {I}", i);
        }

        factory.Dispose();

        Assert.Equal(25, sink.Count);
        Assert.True(sink.IsDisposed);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Host_stop_flushes_entries_logged_during_shutdown()
    {
        var sink = new CollectingSink();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddHybridLogging(o =>
        {
            o.FlushInterval = TimeSpan.FromHours(1);
            o.AddSink("collect", sink, null);
        });
        using var host = builder.Build();
        await host.StartAsync(TestProvider.Token);
        host.Services.GetRequiredService<ILogger<ProviderTests>>().LogWarning("stopping");
        await host.StopAsync(TestProvider.Token);
        Assert.Contains(sink.Entries, e => e.Message == "stopping" && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Calls_after_dispose_are_counted_as_dropped_shutdown_and_do_not_throw()
    {
        var sink = new CollectingSink();
        var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Provider");
        logger.LogInformation("before");
        await provider.DisposeAsync();

        logger.LogInformation("after 1");
        logger.LogError(new InvalidOperationException("x"), "after 2");
        provider.Write(Some.LogEntry("after 3"));
        await provider.DisposeAsync(); // idempotent
        provider.Dispose();

        var stats = provider.GetStats();
        Assert.Equal(4, stats.Produced);
        Assert.Equal(3, stats.DroppedShutdown);
        Assert.Equal("before", Assert.Single(sink.Entries).Message);
    }

    [Fact]
    public async Task Flush_after_dispose_completes()
    {
        var sink = new CollectingSink();
        var provider = TestProvider.Create(sink);
        provider.CreateLogger("Tests.Provider").LogInformation("before");
        await provider.DisposeAsync();
        provider.CreateLogger("Tests.Provider").LogInformation("after");

        await provider.FlushAsync(TestProvider.Token).WaitAsync(TimeSpan.FromSeconds(30), TestProvider.Token);
        Assert.Single(sink.Entries);
    }

    [Fact]
    public async Task Logging_from_inside_a_sink_is_suppressed()
    {
        HybridLoggerProvider? provider = null;
        var inner = 0;
        var sink = new CollectingSink
        {
            OnWrite = _ =>
            {
                // Like an AWS SDK or HttpClient logging through MEL while the sink exports.
                var logger = provider!.CreateLogger("Amazon.Runtime");
                if (logger.IsEnabled(LogLevel.Information))
                {
                    Interlocked.Increment(ref inner);
                }

                logger.LogInformation("from inside the sink");
            },
        };
        provider = TestProvider.Create(sink);
        await using (provider)
        {
            provider.CreateLogger("Tests.Provider").LogInformation("app entry");
            await provider.FlushAsync(TestProvider.Token);
            await provider.FlushAsync(TestProvider.Token);

            Assert.Equal("app entry", Assert.Single(sink.Entries).Message);
            Assert.Equal(0, inner);
            Assert.Equal(1, provider.GetStats().Produced);
        }
    }

    [Fact]
    public async Task Meter_publishes_produced_and_destination_counters()
    {
        var sink = new CollectingSink();
        var destination = "metrics-" + Guid.NewGuid().ToString("N");
        var options = new HybridLoggingOptions();
        options.AddSink(destination, sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Metrics");
        for (var i = 0; i < 37; i++)
        {
            logger.LogInformation("entry {I}", i);
        }

        await provider.FlushAsync(TestProvider.Token);

        var produced = new List<long>();
        var written = new List<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "HybridLogging")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "hybridlogging.entries.produced")
            {
                lock (produced)
                {
                    produced.Add(value);
                }
            }
            else if (instrument.Name == "hybridlogging.destination.written")
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "destination" && (string?)tag.Value == destination)
                    {
                        lock (written)
                        {
                            written.Add(value);
                        }
                    }
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(37L, produced); // other tests' providers publish on the same meter name
        Assert.Equal([37L], written);
    }
}
