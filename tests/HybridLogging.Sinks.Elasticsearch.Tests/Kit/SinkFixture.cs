using HybridLogging.Sinks.Elasticsearch.Internal;
using HybridLogging.Sinks.Elasticsearch.Tests.Emulator;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Kit;

/// <summary>An emulator, a temp folder for dead letters, and sinks pointed at the emulator; disposed together.</summary>
internal sealed class SinkFixture : IAsyncDisposable
{
    private readonly List<ElasticsearchSink> _sinks = [];

    private SinkFixture(EsEmulator emulator) => Emulator = emulator;

    public EsEmulator Emulator { get; }

    public TempFolder Folder { get; } = new();

    public static async Task<SinkFixture> StartAsync() => new(await EsEmulator.StartAsync());

    public ElasticsearchSink Sink(Action<ElasticsearchSinkOptions>? configure = null)
    {
        var options = new ElasticsearchSinkOptions { DeadLetterPath = Folder.Combine("dead-letter.json") };
        options.Nodes.Add(Emulator.Url.ToString());
        configure?.Invoke(options);
        Assert.Empty(options.Validate("test"));
        var sink = new ElasticsearchSink("test", options);
        _sinks.Add(sink);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        Folder.Dispose();
    }
}
