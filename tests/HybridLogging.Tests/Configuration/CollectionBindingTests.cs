using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Configuration;

/// <summary>
/// The collection options have no setters (code adds to them); the source-generated binder must still fill them from
/// <c>Logging:HybridLogging</c>, keeping their defaults and case-insensitive keys.
/// </summary>
public sealed class CollectionBindingTests
{
    [Fact]
    public async Task Get_only_collection_options_are_filled_from_configuration()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:HybridLogging:Metadata:service"] = "shop",
                ["Logging:HybridLogging:RedactedProperties:0"] = "tax id",
                ["Logging:HybridLogging:SourceMappings:MyApp.Payments"] = "Payments",
                ["Logging:HybridLogging:CategoryLevels:MyApp.Noisy"] = "Error",
                ["Logging:HybridLogging:Sources:Payments:MinimumLevel"] = "Warning",
            })
            .Build();
        await using var host = LoggingHost.Create(new CollectingSink(), configuration: config);

        var options = host.Provider.Options;
        Assert.Equal("shop", options.Metadata["service"]);
        Assert.Contains("tax id", options.RedactedProperties);
        Assert.Contains("password", options.RedactedProperties);
        Assert.Equal("Payments", options.SourceMappings["myapp.payments"]);
        Assert.Equal(LogLevel.Error, options.CategoryLevels["MyApp.Noisy"]);
        Assert.Equal(LogLevel.Warning, options.Sources["payments"].MinimumLevel);
    }
}
