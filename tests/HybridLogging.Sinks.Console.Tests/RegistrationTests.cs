using System.Text.Json;
using HybridLogging.Sinks.Console.Internal;
using HybridLogging.Sinks.Console.Tests.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Console.Tests;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Factory_binds_the_destination_section_onto_the_options()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Type"] = "Console",
            ["BatchSize"] = "5",
            ["Format"] = "Text",
            ["UseColors"] = "false",
            ["StandardErrorFromLevel"] = "Warning",
        }).Build();

        var options = ConsoleSinkFactory.Bind(section);

        Assert.Equal(LogFormat.Text, options.Format);
        Assert.False(options.UseColors);
        Assert.Equal(LogLevel.Warning, options.StandardErrorFromLevel);
    }

    [Fact]
    public async Task Factory_creates_a_console_sink_with_the_bound_format()
    {
        var factory = new ConsoleSinkFactory();
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Format"] = "Json" }).Build();

        await using var sink = factory.Create(new LogSinkContext("stdout", section, new ServiceCollection().BuildServiceProvider()));

        Assert.Equal("Console", factory.Type);
        Assert.Equal(LogFormat.Json, Assert.IsType<ConsoleSink>(sink).Format);
    }

    [Fact]
    public void Factory_rejects_an_invalid_section()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["StandardErrorFromLevel"] = "99" }).Build();

        Assert.Throws<ArgumentException>(() => new ConsoleSinkFactory().Create(new LogSinkContext("bad", section, new ServiceCollection().BuildServiceProvider())));
    }

    [Fact]
    public async Task Configuration_declared_console_sink_is_found_by_the_assembly_attribute()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:fromconfig:Type"] = "Console",
            ["Logging:HybridLogging:Sinks:fromconfig:Format"] = "Json",
        }).Build();
        await using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddHybridLogging())
            .BuildServiceProvider();

        var provider = services.GetRequiredService<HybridLoggerProvider>();

        Assert.Contains(provider.GetStats().Sinks, s => s.Name == "fromconfig");
    }

    [Fact]
    public async Task AddConsole_overloads_register_named_destinations()
    {
        var options = new HybridLoggingOptions();
        options.AddConsole();
        options.AddConsole("errors", c => c.StandardErrorFromLevel = LogLevel.Error);

        await using var provider = new HybridLoggerProvider(options);

        var names = provider.GetStats().Sinks.Select(s => s.Name).ToArray();
        Assert.Contains("console", names);
        Assert.Contains("errors", names);
    }

    [Fact]
    public async Task AddConsole_with_destination_settings_applies_them_to_the_destination()
    {
        var options = new HybridLoggingOptions();
        options.AddConsole("errors", c => c.Format = LogFormat.Json, s => s.QueueCapacity = 256);

        await using var provider = new HybridLoggerProvider(options);

        Assert.Equal(256, provider.GetStats().Sinks.Single(s => s.Name == "errors").QueueCapacity);
    }

    [Fact]
    public void AddConsole_validates_the_settings_at_registration()
    {
        var options = new HybridLoggingOptions();

        var ex = Assert.Throws<ArgumentException>(() => options.AddConsole(c => c.Format = (LogFormat)7));

        Assert.Contains("Format", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_batches_reach_the_stream_as_one_write_each()
    {
        var console = new TestConsole();
        var options = new HybridLoggingOptions { BatchSize = 1_000 };
        options.AddSink("console", console.CreateSink(new ConsoleSinkOptions { Format = LogFormat.Json }));
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("MyApp.Routing.HybridRouter");

        using (CorrelationContext.Begin("corr-9", requestId: "req-9"))
        {
            for (var i = 0; i < 50; i++)
            {
                logger.LogInformation("Routed to {Provider} in {LatencyMs} ms", "bedrock", i);
            }
        }

        await provider.FlushAsync(Ct);

        var lines = console.Output.Lines;
        Assert.Equal(50, lines.Length);
        Assert.Equal(provider.GetStats().Batches, console.Output.Writes);
        using var json = JsonDocument.Parse(lines[^1]);
        Assert.Equal("corr-9", json.RootElement.GetProperty("correlationId").GetString());
        Assert.Equal("bedrock", json.RootElement.GetProperty("routing").GetProperty("provider").GetString());
        Assert.Equal(49, json.RootElement.GetProperty("performance").GetProperty("latency").GetDouble());
    }
}
