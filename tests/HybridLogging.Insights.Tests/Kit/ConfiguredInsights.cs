using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Kit;

/// <summary>
/// An app's logging with insights, bound from in-memory configuration (keys under <c>Logging:</c>) that a test edits and
/// reloads, as <c>appsettings.json</c> would be.
/// </summary>
internal sealed class ConfiguredInsights : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ConfiguredInsights(Dictionary<string, string?> settings)
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(Configuration.GetSection("Logging")).AddHybridInsights());
        _services = services.BuildServiceProvider();
    }

    public IConfigurationRoot Configuration { get; }

    public HybridLoggerProvider Pipeline => _services.GetRequiredService<HybridLoggerProvider>();

    public LogInsights Insights => _services.GetRequiredService<LogInsights>();

    public ILogger Logger(string category) => _services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
