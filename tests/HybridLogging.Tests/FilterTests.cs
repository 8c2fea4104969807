using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridLogging.Tests;

public sealed class FilterTests
{
    [Fact]
    public async Task Global_minimum_level_filters_and_nothing_below_it_is_enqueued()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o => o.MinimumLevel = LogLevel.Warning);
        var logger = provider.CreateLogger("Tests.Filters");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        Assert.False(logger.IsEnabled(LogLevel.None));
        logger.LogDebug("debug");
        logger.LogInformation("info");
        logger.LogWarning("warn");
        logger.LogError("error");
        logger.Log(LogLevel.None, "none");
        await provider.FlushAsync(TestProvider.Token);

        Assert.Equal(["warn", "error"], sink.Entries.Select(e => e.Message));
        Assert.Equal(2, provider.GetStats().Produced);
    }

    [Fact]
    public async Task Category_levels_use_the_longest_matching_prefix()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o =>
        {
            o.MinimumLevel = LogLevel.Information;
            o.CategoryLevels["MyApp"] = LogLevel.Error;
            o.CategoryLevels["MyApp.Routing"] = LogLevel.Debug;
            o.CategoryLevels["MyApp.Routing.Noisy"] = LogLevel.Critical;
        });

        Assert.False(provider.CreateLogger("MyApp.Cache").IsEnabled(LogLevel.Warning));
        Assert.True(provider.CreateLogger("MyApp.Cache").IsEnabled(LogLevel.Error));
        Assert.True(provider.CreateLogger("MyApp.Routing.HybridRouter").IsEnabled(LogLevel.Debug));
        Assert.False(provider.CreateLogger("MyApp.Routing.Noisy.Thing").IsEnabled(LogLevel.Error));
        Assert.True(provider.CreateLogger("Other.Thing").IsEnabled(LogLevel.Information));
        Assert.False(provider.CreateLogger("Other.Thing").IsEnabled(LogLevel.Debug));
        // Prefixes compare case-insensitively, like MEL's rules.
        Assert.True(provider.CreateLogger("myapp.routing.x").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Wildcard_category_rule_applies_only_when_no_prefix_matches()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o =>
        {
            // "*" is inserted before the one-character prefix on purpose: insertion order must not matter.
            o.CategoryLevels["*"] = LogLevel.Error;
            o.CategoryLevels["A"] = LogLevel.Debug;
        });

        Assert.True(provider.CreateLogger("A.Service").IsEnabled(LogLevel.Debug));
        Assert.False(provider.CreateLogger("B.Service").IsEnabled(LogLevel.Warning));
        Assert.True(provider.CreateLogger("B.Service").IsEnabled(LogLevel.Error));
    }

    [Fact]
    public async Task Sources_can_be_disabled_or_given_their_own_minimum_level()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o =>
        {
            o.MinimumLevel = LogLevel.Information;
            o.Sources["CacheLayer"] = new SourceOptions { Enabled = false };
            o.Sources["HybridRouter"] = new SourceOptions { MinimumLevel = LogLevel.Debug };
        });

        var cache = provider.CreateLogger("MyApp.Caching.CacheLayer");
        var router = provider.CreateLogger("MyApp.Routing.HybridRouter");
        Assert.False(cache.IsEnabled(LogLevel.Critical));
        Assert.True(router.IsEnabled(LogLevel.Debug));
        Assert.False(router.IsEnabled(LogLevel.Trace));
        cache.LogCritical("cache");
        router.LogDebug("router");
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        Assert.Equal("router", entry.Message);
        Assert.Equal("HybridRouter", entry.Source);
    }

    [Fact]
    public async Task Source_minimum_level_wins_over_category_rules_as_documented()
    {
        // SourceOptions.MinimumLevel: "null uses the category rules or the global minimum" — so a set level is used.
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o =>
        {
            o.CategoryLevels["MyApp"] = LogLevel.Warning;
            o.Sources["HybridRouter"] = new SourceOptions { MinimumLevel = LogLevel.Debug };
            o.Sources["CacheLayer"] = new SourceOptions { MinimumLevel = null };
        });

        Assert.True(provider.CreateLogger("MyApp.Routing.HybridRouter").IsEnabled(LogLevel.Debug));
        Assert.False(provider.CreateLogger("MyApp.Caching.CacheLayer").IsEnabled(LogLevel.Information));
        Assert.True(provider.CreateLogger("MyApp.Caching.CacheLayer").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public async Task Source_mappings_use_the_longest_prefix_and_default_to_the_last_segment()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o =>
        {
            o.SourceMappings["MyApp.Bedrock"] = "BedrockClient";
            o.SourceMappings["MyApp.Bedrock.Alerts"] = "AlertSystem";
        });

        provider.CreateLogger("MyApp.Bedrock.Client.Invoker").LogInformation("a");
        provider.CreateLogger("MyApp.Bedrock.Alerts.Sender").LogInformation("b");
        provider.CreateLogger("MyApp.Routing.HybridRouter").LogInformation("c");
        provider.CreateLogger("MyApp.Generic`1").LogInformation("d");
        provider.CreateLogger("NoDots").LogInformation("e");
        await provider.FlushAsync(TestProvider.Token);

        Assert.Equal(
            ["BedrockClient", "AlertSystem", "HybridRouter", "Generic", "NoDots"],
            sink.Entries.Select(e => e.Source));
        Assert.Equal(1, provider.GetStats().BySource["AlertSystem"]);
    }

    [Fact]
    public async Task Live_configuration_reload_changes_levels_without_restarting()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:HybridLogging:MinimumLevel"] = "Warning" })
            .Build();
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, configuration: config);
        var logger = host.Logger("MyApp.Routing.HybridRouter");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        logger.LogInformation("dropped before reload");

        config["Logging:HybridLogging:MinimumLevel"] = "Information";
        config["Logging:HybridLogging:CategoryLevels:MyApp.Routing"] = "Debug";
        config["Logging:HybridLogging:Sources:CacheLayer:Enabled"] = "false";
        config.Reload();

        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.False(host.Logger("MyApp.Caching.CacheLayer").IsEnabled(LogLevel.Critical));
        Assert.Equal(LogLevel.Information, host.Provider.Options.MinimumLevel);
        logger.LogDebug("after reload");
        await host.FlushAsync();
        Assert.Equal(["after reload"], sink.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task Json_file_reload_through_the_host_changes_levels()
    {
        var dir = Directory.CreateTempSubdirectory("hl-reload-");
        try
        {
            var file = Path.Combine(dir.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, """{ "Logging": { "HybridLogging": { "MinimumLevel": "Error" } } }""", TestProvider.Token);
            var sink = new CollectingSink();
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
            builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddHybridLogging(o => o.AddSink("collect", sink, null));
            using var app = builder.Build();
            var provider = app.Services.GetRequiredService<HybridLoggerProvider>();
            var logger = app.Services.GetRequiredService<ILogger<FilterTests>>();
            Assert.False(logger.IsEnabled(LogLevel.Warning));

            await File.WriteAllTextAsync(file, """{ "Logging": { "HybridLogging": { "MinimumLevel": "Debug" } } }""", TestProvider.Token);
            // Reload explicitly rather than waiting on the file watcher's timing.
            ((IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>()).Reload();

            Assert.True(logger.IsEnabled(LogLevel.Debug));
            logger.LogDebug("debug after reload");
            await provider.FlushAsync(TestProvider.Token);
            Assert.Equal("debug after reload", Assert.Single(sink.Entries).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_reload_is_ignored_and_reported_to_the_self_log()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:HybridLogging:MinimumLevel"] = "Warning" })
            .Build();
        var reports = new SelfLogCapture();
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, configuration: config);
        var logger = host.Logger("Tests.Reload");

        config["Logging:HybridLogging:MinimumLevel"] = "Debug";
        config["Logging:HybridLogging:BatchSize"] = "0";
        using (reports.Start())
        {
            config.Reload();
        }

        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.Equal(LogLevel.Warning, host.Provider.Options.MinimumLevel);
        Assert.Contains(reports.Messages, m => m.Contains("reload ignored", StringComparison.OrdinalIgnoreCase) && m.Contains("BatchSize", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_initial_options_throw_with_clear_messages()
    {
        var options = new HybridLoggingOptions { QueueCapacity = 1, BatchSize = 0, FlushInterval = TimeSpan.Zero };
        options.AddSink("bad", new CollectingSink(), s => s.FullMode = (QueueFullMode)42);
        options.Sinks["cfg"] = new SinkOptions { Type = null };

        var ex = Assert.Throws<OptionsValidationException>(() => new HybridLoggerProvider(options));
        Assert.Contains(ex.Failures, f => f.Contains("QueueCapacity must be between 2 and 16777216 (was 1)", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("BatchSize must be between 1 and 100000 (was 0)", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("FlushInterval", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Sink 'bad': FullMode must be DropOldest, DropNewest or Block (was 42)", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Sink 'cfg': Type is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_initial_configuration_throws_when_the_provider_is_resolved()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:HybridLogging:MaxPropertyDepth"] = "0" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(config.GetSection("Logging")).AddHybridLogging());
        await using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<HybridLoggerProvider>());
        Assert.Contains("MaxPropertyDepth must be between 1 and 32 (was 0)", ex.Message, StringComparison.Ordinal);
    }
}
