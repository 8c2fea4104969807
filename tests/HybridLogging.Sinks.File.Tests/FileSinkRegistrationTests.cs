using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

public sealed class FileSinkRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Factory_binds_the_destination_section_onto_file_sink_options()
    {
        var path = _folder.Combine("app.log");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Type"] = "File",
            ["BatchSize"] = "50", // a destination setting, not the sink's: ignored here
            ["Path"] = path,
            ["Format"] = "Text",
            ["MaxFileSizeBytes"] = "2048",
            ["RollingInterval"] = "Hourly",
            ["RetainedFileCount"] = "9",
            ["BufferSize"] = "4096",
            ["FlushToDiskInterval"] = "00:00:02",
            ["CompressRolledFiles"] = "true",
        }).Build();
        var factory = new FileSinkFactory();

        await using var sink = Assert.IsType<FileSink>(factory.Create(new LogSinkContext("files", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Equal("File", factory.Type);
        Assert.Equal(path, sink.Options.Path);
        Assert.Equal(LogFormat.Text, sink.Options.Format);
        Assert.Equal(2048, sink.Options.MaxFileSizeBytes);
        Assert.Equal(FileRollingInterval.Hourly, sink.Options.RollingInterval);
        Assert.Equal(9, sink.Options.RetainedFileCount);
        Assert.Equal(4096, sink.Options.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(2), sink.Options.FlushToDiskInterval);
        Assert.True(sink.Options.CompressRolledFiles);

        await sink.WriteEntriesAsync([Some.LogEntry(0, "bound")], Ct);
        await sink.FlushAsync(Ct);
        Assert.EndsWith("[Tests] bound", Assert.Single(LogFiles.ReadLines(path)), StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_rejects_invalid_configuration_with_the_destination_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Path"] = _folder.Combine("log.json"),
            ["MaxFileSizeBytes"] = "1",
        }).Build();

        var error = Assert.ThrowsAny<Exception>(() => new FileSinkFactory().Create(new LogSinkContext("audit", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Contains("File sink 'audit': MaxFileSizeBytes must be at least 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_declared_in_appsettings_writes_a_file_without_registration_code()
    {
        var path = _folder.Combine("logs", "app.json");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:files:Type"] = "File",
            ["Logging:HybridLogging:Sinks:files:Path"] = path,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddHybridLogging();
        });
        await using var container = services.BuildServiceProvider();
        var logger = container.GetRequiredService<ILogger<FileSinkRegistrationTests>>();

        logger.LogInformation("Configured {Index}", 42);
        await container.GetRequiredService<HybridLoggerProvider>().FlushAsync(Ct);

        Assert.Equal([42], LogFiles.ReadIndices(path));
    }

    [Fact]
    public async Task AddFile_without_a_name_registers_the_destination_file()
    {
        // AddFile() registers "file"; re-adding "file" replaces it (a different name would leave two destinations).
        var options = new HybridLoggingOptions().AddFile().AddFile(o => o.Path = _folder.Combine("log.json"));
        await using var provider = new HybridLoggerProvider(options);

        provider.CreateLogger("MyApp").LogInformation("Hello {Index}", 1);
        await provider.FlushAsync(Ct);

        var stats = Assert.Single(provider.GetStats().Sinks);
        Assert.Equal("file", stats.Name);
        Assert.Equal(new FileInfo(_folder.Combine("log.json")).Length, stats.BytesWritten);
        Assert.Equal([1], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task AddFile_uses_the_time_provider_registered_in_the_container()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddLogging(logging => logging.AddHybridLogging(o => o.AddFile("daily", f =>
        {
            f.Path = _folder.Combine("log.json");
            f.RollingInterval = FileRollingInterval.Daily;
        })));
        await using var container = services.BuildServiceProvider();
        var logger = container.GetRequiredService<ILogger<FileSinkRegistrationTests>>();
        var provider = container.GetRequiredService<HybridLoggerProvider>();

        logger.LogInformation("Day one {Index}", 0);
        await provider.FlushAsync(Ct);
        clock.Now = clock.Now.AddDays(1);
        logger.LogInformation("Day two {Index}", 1);
        await provider.FlushAsync(Ct);

        Assert.Equal([0], LogFiles.ReadIndices(_folder.Combine("log.20260601T000000Z.1.json")));
        Assert.Equal([1], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }
}
