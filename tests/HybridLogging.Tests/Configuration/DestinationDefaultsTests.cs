using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Configuration;

/// <summary>
/// A sink factory that asks for destination settings of its own (<see cref="ILogSinkDestinationDefaults"/>) gives them
/// to the destinations declared in configuration with its type, under <c>Sinks</c> and in streams; whatever the
/// destination's configuration names, or code changed, stays as it was set.
/// </summary>
public sealed class DestinationDefaultsTests
{
    // Capacities in force are rounded up to a power of two: 3,000 runs as 4,096, the default 10,000 as 16,384.
    private const int FactoryCapacity = 3_000;
    private const int FactoryCapacityInForce = 4_096;
    private const int DefaultCapacityInForce = 16_384;

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static LoggingHost Start(Dictionary<string, string?> values, ILogSinkFactory? factory = null, Action<HybridLoggingOptions>? configure = null) =>
        LoggingHost.Create(new CollectingSink(), o =>
        {
            o.AddSinkFactory(factory ?? new DefaultingFactory());
            configure?.Invoke(o);
        }, Config(values));

    private static SinkStats Sink(LoggingHost host, string name, string? stream = null) =>
        host.Provider.GetStats().Sinks.Single(s => s.Name == name && s.Stream == stream);

    [Fact]
    public async Task A_configured_destination_runs_with_the_settings_its_sink_factory_asks_for()
    {
        var factory = new DefaultingFactory();
        await using var host = Start(new() { ["Logging:HybridLogging:Sinks:archive:Type"] = DefaultingFactory.TypeName }, factory);

        Assert.Equal(FactoryCapacityInForce, Sink(host, "archive").QueueCapacity);

        // The factory's batch size of 3 and flush interval of an hour: three entries make one batch at once.
        var logger = host.Logger("App");
        for (var i = 0; i < 3; i++)
        {
            logger.LogInformation("Entry {Index}", i);
        }

        var sink = factory.Sinks["archive"];
        await ConfigTestKit.UntilAsync(() => sink.Batches.Count == 1, "one batch of three entries");
        Assert.Equal([3], sink.Batches);
    }

    [Fact]
    public async Task A_setting_the_destination_section_names_wins_over_its_sink_factory_even_at_the_default_value()
    {
        await using var host = Start(new()
        {
            ["Logging:HybridLogging:Sinks:archive:Type"] = DefaultingFactory.TypeName,
            ["Logging:HybridLogging:Sinks:archive:QueueCapacity"] = "10000",
        });

        Assert.Equal(DefaultCapacityInForce, Sink(host, "archive").QueueCapacity);
    }

    [Fact]
    public async Task A_destination_declared_in_code_keeps_the_settings_code_gave_it()
    {
        await using var host = Start([], configure: o => o.Sinks["archive"] = new SinkOptions { Type = DefaultingFactory.TypeName, QueueCapacity = 100 });

        Assert.Equal(128, Sink(host, "archive").QueueCapacity);
    }

    [Fact]
    public async Task A_stream_destination_of_the_type_takes_the_factory_settings_unless_it_sets_its_own()
    {
        await using var host = Start([], configure: o => o.AddStream(new LogStreamConfig
        {
            Id = "audit",
            Destinations =
            [
                new LogDestinationConfig { Id = "plain", Type = DefaultingFactory.TypeName },
                new LogDestinationConfig { Id = "sized", Type = DefaultingFactory.TypeName, QueueCapacity = 100 },
            ],
        }));

        Assert.Equal(FactoryCapacityInForce, Sink(host, "plain", "audit").QueueCapacity);
        Assert.Equal(128, Sink(host, "sized", "audit").QueueCapacity);
    }

    [Fact]
    public async Task A_factory_whose_defaults_throw_leaves_the_destination_on_its_own_settings_and_says_so()
    {
        var selfLog = new SelfLogCapture();
        using var capturing = selfLog.Start();
        await using var host = Start(new() { ["Logging:HybridLogging:Sinks:archive:Type"] = DefaultingFactory.TypeName }, new DefaultingFactory { Throws = true });

        Assert.Equal(DefaultCapacityInForce, Sink(host, "archive").QueueCapacity);
        Assert.Contains(selfLog.Messages, m => m.Contains("destination defaults failed", StringComparison.Ordinal));
    }

    private sealed class DefaultingFactory : ILogSinkFactory, ILogSinkDestinationDefaults
    {
        public const string TypeName = "Defaulting";

        public System.Collections.Concurrent.ConcurrentDictionary<string, BatchRecordingSink> Sinks { get; } = new();

        public bool Throws { get; init; }

        public string Type => TypeName;

        public ILogSink Create(LogSinkContext context) => Sinks[context.Name] = new BatchRecordingSink();

        public void ApplyDestinationDefaults(SinkOptions destination)
        {
            if (Throws)
            {
                throw new InvalidOperationException("no defaults today");
            }

            destination.QueueCapacity = FactoryCapacity;
            destination.BatchSize = 3;
            destination.FlushInterval = TimeSpan.FromHours(1);
        }
    }

    private sealed class BatchRecordingSink : ILogSink
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Batches { get; } = new();

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            Batches.Enqueue(batch.Count);
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
