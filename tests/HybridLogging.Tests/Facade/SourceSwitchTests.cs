using HybridLogging.Tests.Configuration;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>
/// <see cref="HybridLogAggregator.ConfigureLogSource"/> and <see cref="HybridLoggerProvider.SetSourceEnabled"/>: a
/// run-time switch for the facade and for the <see cref="ILogger"/> categories of a source, existing loggers included,
/// layered over the configured sources and kept across configuration reloads.
/// </summary>
public sealed class SourceSwitchTests
{
    private static int Count(CollectingSink sink, string message) => sink.Entries.Count(e => e.Message == message);

    [Fact]
    public async Task Switching_a_source_off_silences_the_facade_and_existing_ILogger_loggers_until_it_is_switched_on()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink);
        var facade = host.Services.GetRequiredService<HybridLogAggregator>();
        var typed = host.Services.GetRequiredService<ILogger<CheckoutService>>(); // created before the switch
        var other = host.Logger("Tests.Other");

        facade.ConfigureLogSource(nameof(CheckoutService), enabled: false);
        Assert.False(typed.IsEnabled(LogLevel.Critical));
        facade.Critical(nameof(CheckoutService), "off");
        typed.LogCritical("off");
        host.Logger("Late.Category.CheckoutService").LogCritical("off"); // a logger created after the switch
        other.LogInformation("other source");

        facade.ConfigureLogSource(nameof(CheckoutService), enabled: true);
        facade.Info(nameof(CheckoutService), "on");
        typed.LogInformation("on");

        await host.FlushAsync();
        Assert.Equal(0, Count(sink, "off"));
        Assert.Equal(2, Count(sink, "on"));
        Assert.Equal(1, Count(sink, "other source"));
        Assert.All(sink.Entries.Where(e => e.Message == "on"), e => Assert.Equal(nameof(CheckoutService), e.Source));
    }

    [Fact]
    public async Task The_switch_applies_to_every_category_a_source_mapping_sends_to_that_source()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, o => o.SourceMappings["HybridLogging.Tests.Facade"] = "Payments");
        var facade = host.Services.GetRequiredService<HybridLogAggregator>();
        var typed = host.Services.GetRequiredService<ILogger<CheckoutService>>();

        facade.ConfigureLogSource("payments", enabled: false); // source names are case-insensitive, as in configuration
        typed.LogWarning("mapped off");
        facade.Warn("Payments", "mapped off");
        await host.FlushAsync();
        Assert.Equal(0, Count(sink, "mapped off"));

        Assert.True(host.Provider.ClearSourceOverride("Payments"));
        Assert.False(host.Provider.ClearSourceOverride("Payments"));
        typed.LogWarning("mapped on");
        await host.FlushAsync();
        Assert.Equal("Payments", Assert.Single(sink.Entries, e => e.Message == "mapped on").Source);
    }

    [Fact]
    public async Task The_switch_outlives_a_configuration_reload_and_clearing_it_returns_to_the_configured_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:MinimumLevel"] = "Information",
            ["Logging:HybridLogging:Sources:Inventory:Enabled"] = "false",
        }).Build();
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, configuration: configuration);
        var facade = host.Services.GetRequiredService<HybridLogAggregator>();
        var checkout = host.Services.GetRequiredService<ILogger<CheckoutService>>();
        var inventory = host.Logger("Shop.Inventory");

        facade.ConfigureLogSource(nameof(CheckoutService), enabled: false);
        facade.ConfigureLogSource("Inventory", enabled: true); // on beats the configured Enabled=false
        configuration["Logging:HybridLogging:MinimumLevel"] = "Debug";
        configuration.Reload();
        await ConfigTestKit.UntilAsync(() => host.Provider.Options.MinimumLevel == LogLevel.Debug, "the reload to apply");

        checkout.LogError("after reload");
        facade.Error(nameof(CheckoutService), "after reload");
        inventory.LogDebug("inventory after reload"); // on, at the reloaded level
        await host.FlushAsync();
        Assert.Equal(0, Count(sink, "after reload"));
        Assert.Equal(1, Count(sink, "inventory after reload"));

        Assert.True(host.Provider.ClearSourceOverride(nameof(CheckoutService)));
        Assert.True(host.Provider.ClearSourceOverride("Inventory"));
        checkout.LogDebug("cleared");
        inventory.LogError("inventory cleared"); // configured off again
        await host.FlushAsync();
        Assert.Equal(1, Count(sink, "cleared"));
        Assert.Equal(0, Count(sink, "inventory cleared"));
    }

    [Fact]
    public async Task Switching_a_source_on_keeps_its_configured_minimum_level()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, o => o.Sources["Inventory"] = new SourceOptions { Enabled = false, MinimumLevel = LogLevel.Warning });
        var logger = host.Logger("Shop.Inventory");

        host.Provider.SetSourceEnabled("Inventory", true);
        logger.LogInformation("below the source's level");
        logger.LogWarning("at the source's level");
        await host.FlushAsync();
        Assert.Equal("at the source's level", Assert.Single(sink.Entries).Message);
    }

    /// <summary>A type whose <c>ILogger&lt;T&gt;</c> category resolves to the source <c>CheckoutService</c>.</summary>
    internal sealed class CheckoutService;
}
