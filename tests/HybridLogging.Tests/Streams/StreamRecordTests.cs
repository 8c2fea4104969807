using System.Text.Json;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>Stream destinations take formatted records like the provider's own, and keep taking them when replaced.</summary>
public sealed class StreamRecordTests
{
    [Fact]
    public async Task Stream_destinations_share_one_formatting_with_the_provider_sinks_and_a_replacement_keeps_taking_records()
    {
        var factory = new LinesSinkFactory();
        var own = new LinesSink();
        var options = new HybridLoggingOptions().AddSinkFactory(factory).AddSink("own", own);
        await using var provider = new HybridLoggerProvider(options);
        provider.Streams.CreateStream(new LogStreamConfig
        {
            Id = "errors",
            BufferSize = 0,
            Filters = [new LogFilter { Id = "warn", MinimumLevel = LogLevel.Warning }],
            Destinations = [new LogDestinationConfig { Id = "d", Type = LinesSinkFactory.TypeName, Settings = { ["Generation"] = "1" } }],
        });
        var logger = provider.CreateLogger("Tests.StreamRecords");
        logger.LogInformation("info {N}", 1);
        logger.LogWarning("warn {N}", 2);
        await provider.FlushAsync(TestProvider.Token);

        // One formatter key, two groups (all entries / the stream's warnings): the JSON is written once and copied.
        var table = provider.Pipeline.Routes;
        Assert.Equal(1, table.ShapeCount);
        Assert.Equal(2, table.Groups.Length);
        Assert.Empty(table.EntryGroups);
        Assert.Equal(["info 1", "warn 2"], own.Lines.Select(Message));
        Assert.Equal(["warn 2"], factory.Created[0].Lines.Select(Message));

        // Changed settings replace the destination; the replacement takes records like the one it replaced.
        var update = provider.Streams.GetStream("errors")!;
        update.Destinations[0].Settings["Generation"] = "2";
        provider.Streams.UpdateStream(update);
        logger.LogError("error {N}", 3);
        await provider.FlushAsync(TestProvider.Token);
        await WaitUntilAsync(() => factory.Created.Count == 2 && factory.Created[1].Lines.Count == 1);

        Assert.Empty(provider.Pipeline.Routes.EntryGroups);
        Assert.Equal(["error 3"], factory.Created[1].Lines.Select(Message));
        var stats = provider.Streams.GetStreamStats("errors")!;
        Assert.Equal(2, stats.Written);
        Assert.Equal(0, stats.Failed);
    }

    private static string Message(string line) => JsonDocument.Parse(line).RootElement.GetProperty("message").GetString()!;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestProvider.Token);
        }

        Assert.True(condition());
    }

    private sealed class LinesSinkFactory : ILogSinkFactory
    {
        public const string TypeName = "Lines";

        public List<LinesSink> Created { get; } = [];

        public string Type => TypeName;

        public ILogSink Create(LogSinkContext context)
        {
            var sink = new LinesSink();
            lock (Created)
            {
                Created.Add(sink);
            }

            return sink;
        }
    }
}
