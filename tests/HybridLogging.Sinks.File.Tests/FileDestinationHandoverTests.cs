using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>
/// A file destination whose settings change at run time is replaced by a new sink on the same path. The old sink holds
/// the file's lock until it has written what it accepted, so the replacement must wait for it instead of being refused.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class FileDestinationHandoverTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reloaded_file_destination_settings_hand_the_file_over_without_losing_entries()
    {
        var path = _folder.Combine("log.json");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:files:Type"] = "File",
            ["Logging:HybridLogging:Sinks:files:Path"] = path,
            ["Logging:HybridLogging:Sinks:files:MaxFileSizeBytes"] = "1048576",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddHybridLogging());
        await using var container = services.BuildServiceProvider();
        var provider = container.GetRequiredService<HybridLoggerProvider>();
        var logger = container.GetRequiredService<ILogger<FileDestinationHandoverTests>>();
        var errors = new List<string>();
        HybridSelfLog.Enable(message =>
        {
            lock (errors)
            {
                errors.Add(message);
            }
        });
        try
        {
            for (var i = 0; i < 500; i++)
            {
                logger.LogInformation("Entry {Index}", i);
            }

            configuration["Logging:HybridLogging:Sinks:files:MaxFileSizeBytes"] = "2097152";
            configuration.Reload();
            for (var i = 500; i < 1000; i++)
            {
                logger.LogInformation("Entry {Index}", i);
            }

            await provider.FlushAsync(Ct);
            await provider.DisposeAsync();
        }
        finally
        {
            HybridSelfLog.Disable();
        }

        var indices = LogFiles.List(_folder.Path).SelectMany(LogFiles.ReadIndices).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 1000), indices);
        lock (errors)
        {
            Assert.DoesNotContain(errors, e => e.Contains("cannot write", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Updated_stream_file_destination_waits_for_the_old_sink_and_keeps_every_entry()
    {
        var path = _folder.Combine("log.json");
        var stream = new LogStreamConfig
        {
            Id = "archive",
            Destinations = [new LogDestinationConfig { Id = "file", Type = "File", Settings = { ["Path"] = path } }],
        };
        var options = new HybridLoggingOptions { FlushInterval = TimeSpan.FromMilliseconds(20) }.AddStream(stream);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("App.HybridRouter");
        for (var i = 0; i < 300; i++)
        {
            logger.LogInformation("Entry {Index}", i);
        }

        var changed = provider.Streams.GetStream("archive")!;
        changed.Destinations[0].Settings["MaxFileSizeBytes"] = "4096";
        changed.Destinations[0].Settings["RetainedFileCount"] = "1000";
        provider.Streams.UpdateStream(changed);
        for (var i = 300; i < 600; i++)
        {
            logger.LogInformation("Entry {Index}", i);
        }

        await provider.FlushAsync(Ct);
        var stats = provider.Streams.GetStreamStats("archive")!;
        Assert.Equal(0, stats.Failed);
        await provider.DisposeAsync();
        var indices = LogFiles.List(_folder.Path).SelectMany(LogFiles.ReadIndices).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 600), indices);
    }
}
