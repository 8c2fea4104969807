using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Configuration;

/// <summary>
/// Live edits of a real <c>appsettings.json</c> (reloadOnChange): an invalid edit keeps the last good configuration for
/// everything it would have changed and is reported once with its reason; a replaced destination keeps its counters.
/// </summary>
public sealed class ReloadTests : IDisposable
{
    private readonly DirectoryInfo _folder = ConfigTestKit.TempFolder();
    private readonly SelfLogCapture _selfLog = new();

    public void Dispose() => ConfigTestKit.Delete(_folder);

    private string LogPath => Path.Combine(_folder.FullName, "logs", "log.json");

    private static object FileSink(string path, long maxFileSizeBytes = 1_048_576, string type = "File", int queueCapacity = 1000) => new Dictionary<string, object>
    {
        ["Type"] = type,
        ["Path"] = path,
        ["MaxFileSizeBytes"] = maxFileSizeBytes,
        ["QueueCapacity"] = queueCapacity,
        ["FlushInterval"] = "00:00:00.050",
    };

    private static string Settings(object sink, Dictionary<string, object>? extra = null)
    {
        var section = new Dictionary<string, object>(extra ?? []) { ["Sinks"] = new Dictionary<string, object> { ["orders"] = sink } };
        return AppSettingsApp.Json(section);
    }

    private static void LogRange(ILogger logger, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            logger.LogInformation("Order {Index}", i);
        }
    }

    private int Reports(string text) => _selfLog.Messages.Count(m => m.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Reload_with_a_file_size_below_the_minimum_keeps_the_file_destination_writing()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Information" }));
        var logger = app.Logger();
        LogRange(logger, 0, 10);
        await app.FlushAsync();

        // The valid change in the same edit (MinimumLevel) is not applied either: the edit is rejected whole.
        await app.EditAsync(Settings(FileSink(LogPath, maxFileSizeBytes: 5), new() { ["MinimumLevel"] = "Debug" }));
        await ConfigTestKit.UntilAsync(() => Reports("'orders'") > 0, "a self-log report naming the destination");
        LogRange(logger, 10, 20);
        await app.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 20), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(0, app.Sink("orders")!.Failed);
        Assert.Equal(1, Reports("MaxFileSizeBytes must be at least"));
        Assert.Equal(LogLevel.Information, app.Provider.Options.MinimumLevel);
        var stats = app.Provider.GetStats();
        Assert.Equal(1, stats.RejectedReloads);
        Assert.Contains("MaxFileSizeBytes", stats.LastReloadError, StringComparison.Ordinal);

        // Fixed: the next edit applies.
        await app.EditAsync(Settings(FileSink(LogPath, maxFileSizeBytes: 2_097_152), new() { ["MinimumLevel"] = "Debug" }));
        // The new options are in force a moment before the reload is counted as applied: wait for both.
        await ConfigTestKit.UntilAsync(() => app.Provider.Options.MinimumLevel == LogLevel.Debug && app.Provider.GetStats().AppliedReloads > 0, "the fixed edit to apply");
        LogRange(logger, 20, 30);
        await app.FlushAsync();
        Assert.Equal(Enumerable.Range(0, 30), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(1, app.Provider.GetStats().AppliedReloads);
        Assert.Equal(30, app.Sink("orders")!.Written);
    }

    [Fact]
    public async Task Reload_with_an_unknown_sink_type_keeps_the_destination_writing()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath)));
        var logger = app.Logger();
        LogRange(logger, 0, 10);

        await app.EditAsync(Settings(FileSink(LogPath, type: "Foo")));
        await ConfigTestKit.UntilAsync(() => Reports("'Foo'") > 0, "a self-log report naming the unknown type");
        LogRange(logger, 10, 20);
        await app.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 20), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(0, app.Sink("orders")!.Failed);
        Assert.Equal(1, Reports("'Foo'"));
    }

    [Fact]
    public async Task Reload_with_an_unknown_stream_destination_type_keeps_the_stream_writing()
    {
        static string StreamSettings(string type, string path) => AppSettingsApp.Json(new Dictionary<string, object>
        {
            ["Streams"] = new Dictionary<string, object>
            {
                ["archive"] = new { Destinations = new[] { new { Id = "file", Type = type, FlushInterval = "00:00:00.050", Settings = new { Path = path } } } },
            },
        });

        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, StreamSettings("File", LogPath));
        var logger = app.Logger();
        LogRange(logger, 0, 10);

        await app.EditAsync(StreamSettings("Foo", LogPath));
        await ConfigTestKit.UntilAsync(() => Reports("'Foo'") > 0, "a self-log report naming the unknown type");
        LogRange(logger, 10, 20);
        await app.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 20), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(0, app.Provider.Streams.GetStreamStats("archive")!.Failed);
    }

    [Fact]
    public async Task Reload_whose_new_file_cannot_be_opened_keeps_writing_the_previous_file()
    {
        // Valid settings that fail only when opened: the new Path is an existing directory.
        var taken = Directory.CreateDirectory(Path.Combine(_folder.FullName, "taken"));
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath)));
        var logger = app.Logger();
        LogRange(logger, 0, 10);

        await app.EditAsync(Settings(FileSink(taken.FullName)));
        await ConfigTestKit.UntilAsync(() => Reports("'orders'") > 0, "a self-log report naming the destination");
        LogRange(logger, 10, 20);
        await app.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 20), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(0, app.Sink("orders")!.Failed);
        Assert.Equal(1, Reports("changed settings could not be opened"));
        Assert.Equal(1, app.Provider.GetStats().RejectedReloads);
    }

    [Fact]
    public async Task Reload_with_an_unparsable_value_is_reported_once_and_changes_nothing()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Warning" }));
        var logger = app.Logger();

        // A valid change (MinimumLevel) in the same edit as one that cannot bind: the whole edit is rejected.
        await app.EditAsync(Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Debug", ["FlushInterval"] = "abc" }));
        await ConfigTestKit.UntilAsync(() => Reports("FlushInterval") > 0, "a self-log report naming FlushInterval");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.Equal(LogLevel.Warning, app.Provider.Options.MinimumLevel);
        Assert.Equal(1, Reports("FlushInterval"));
        Assert.Equal(1, app.Provider.GetStats().RejectedReloads);
        Assert.Equal(0, app.Provider.GetStats().AppliedReloads);

        // The binder's exception was thrown on the file watcher's thread (inside IOptionsMonitor): reloads still follow.
        await app.EditAsync(Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Debug", ["FlushInterval"] = "00:00:01" }));
        await ConfigTestKit.UntilAsync(() => logger.IsEnabled(LogLevel.Debug) && app.Provider.GetStats().AppliedReloads > 0, "the fixed edit to apply");
        Assert.Equal(1, app.Provider.GetStats().AppliedReloads);
    }

    [Fact]
    public async Task Reload_with_malformed_json_is_reported_once_and_changes_nothing()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Warning" }));
        var logger = app.Logger();

        await app.EditAsync("""{ "Logging": { "HybridLogging": { "MinimumLevel": "Debug", """);
        await ConfigTestKit.UntilAsync(() => Reports("appsettings.json") > 0, "a self-log report naming the file");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.Equal(1, Reports("appsettings.json"));
        Assert.Equal(1, app.Provider.GetStats().RejectedReloads);
    }

    [Fact]
    public async Task Reload_from_another_file_while_appsettings_json_is_malformed_keeps_its_settings()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Information" }), overrideJson: "{}");
        var logger = app.Logger();
        LogRange(logger, 0, 10);

        await app.EditAsync("""{ "Logging": { "HybridLogging": """);
        await ConfigTestKit.UntilAsync(() => Reports("appsettings.json") > 0, "a self-log report naming the file");

        // The broken file's settings are gone from the configuration until it loads again: a reload raised by another
        // file must not apply configuration without them (that would remove the destination declared there).
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "appsettings.override.json"), """{ "Unrelated": "1" }""", TestContext.Current.CancellationToken);
        await ConfigTestKit.UntilAsync(() => Reports("could not be loaded, so the settings it holds would be missing") > 0, "a report of the rejected reload");
        LogRange(logger, 10, 20);
        logger.LogDebug("not enabled");
        await app.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 20), ConfigTestKit.Indices(_folder.FullName));
        Assert.Equal(LogLevel.Information, app.Provider.Options.MinimumLevel);
        Assert.Equal(2, app.Provider.GetStats().RejectedReloads);

        // Fixed: the file loads again and its (unchanged) settings stay in force.
        await app.EditAsync(Settings(FileSink(LogPath), new() { ["MinimumLevel"] = "Debug" }));
        await ConfigTestKit.UntilAsync(() => app.Provider.Options.MinimumLevel == LogLevel.Debug, "the fixed file to apply");
        LogRange(logger, 20, 30);
        await app.FlushAsync();
        Assert.Equal(Enumerable.Range(0, 30), ConfigTestKit.Indices(_folder.FullName));
    }

    [Fact]
    public async Task Invalid_reload_is_reported_once_however_often_the_same_edit_is_loaded()
    {
        using var capture = _selfLog.Start();
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath)));

        // Editors and file watchers often deliver one save as two or three reloads of the same content.
        await app.EditAsync(Settings(FileSink(LogPath), new() { ["BatchSize"] = 0 }));
        await ConfigTestKit.UntilAsync(() => Reports("BatchSize must be between") > 0, "a self-log report naming BatchSize");
        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        root.Reload();
        root.Reload();

        Assert.Equal(1, Reports("BatchSize must be between"));
        Assert.Equal(1, app.Provider.GetStats().RejectedReloads);
        Assert.Contains(1L, RejectedReloadsMetric());
    }

    /// <summary>The <c>hybridlogging.configuration.reloads</c> counter with outcome "rejected", as a metrics exporter reads it.</summary>
    private static List<long> RejectedReloadsMetric()
    {
        var rejected = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "HybridLogging" && instrument.Name == "hybridlogging.configuration.reloads")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome" && Equals(tag.Value, "rejected"))
                {
                    // Providers of tests running in parallel report too: one of the values is this test's.
                    rejected.Add(value);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return rejected;
    }

    [Fact]
    public async Task Options_bound_by_the_app_from_another_section_still_follow_its_reloads()
    {
        var custom = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Custom:MinimumLevel"] = "Warning" })
            .Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddHybridLogging())
            .Configure<HybridLoggingOptions>(custom.GetSection("Custom"));
        await using var container = services.BuildServiceProvider();
        var provider = container.GetRequiredService<HybridLoggerProvider>();
        Assert.Equal(LogLevel.Warning, provider.Options.MinimumLevel);

        custom["Custom:MinimumLevel"] = "Debug";
        custom.Reload();

        Assert.Equal(LogLevel.Debug, provider.Options.MinimumLevel);
    }

    [Fact]
    public async Task Replaced_configured_destination_keeps_its_counters_in_stats()
    {
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings(FileSink(LogPath, queueCapacity: 1000)));
        var logger = app.Logger();
        LogRange(logger, 0, 80);
        await app.FlushAsync();
        var capacityBefore = app.Sink("orders")!.QueueCapacity;

        await app.EditAsync(Settings(FileSink(LogPath, queueCapacity: 3000)));
        await ConfigTestKit.UntilAsync(() => app.Sink("orders")?.QueueCapacity is { } c && c != capacityBefore, "the replaced destination");
        LogRange(logger, 80, 100);
        await app.FlushAsync();
        await ConfigTestKit.UntilAsync(() => app.Sink("orders")!.Written == 100, "100 entries written in total", TimeSpan.FromSeconds(5));

        var stats = app.Provider.GetStats();
        var sink = stats.Sinks.Single(s => s.Name == "orders");
        Assert.Equal(100, sink.Received);
        Assert.Equal(100, sink.Written);
        Assert.Equal(100, stats.Written);
        Assert.Equal(Enumerable.Range(0, 100), ConfigTestKit.Indices(_folder.FullName));
    }
}
