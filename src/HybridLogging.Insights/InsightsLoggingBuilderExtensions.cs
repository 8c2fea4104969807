using HybridLogging;
using HybridLogging.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Logging;

/// <summary>Registers <see cref="LogInsights"/> with HybridLogging.</summary>
public static class InsightsLoggingBuilderExtensions
{
    /// <summary>
    /// Adds HybridLogging (if not added yet) and one <see cref="LogInsights"/> singleton that observes every dispatched
    /// entry. Resolve <see cref="LogInsights"/> from the service provider to query it.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Logging.AddHybridLogging(o => o.AddFile()).AddHybridInsights(i => i.Patterns.MaxPatterns = 500);
    /// var insights = app.Services.GetRequiredService&lt;LogInsights&gt;();
    /// </code>
    /// </example>
    public static ILoggingBuilder AddHybridInsights(this ILoggingBuilder builder, Action<InsightsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHybridLogging();
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<InsightsOptions>, BindInsightsSection>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<InsightsOptions>, InsightsChangeTokenSource>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<InsightsOptions>>();
            var insights = new LogInsights(monitor.CurrentValue, sp.GetService<TimeProvider>(), () => sp.GetService<ILoggerFactory>());
            insights.WatchOptions(monitor);
            return insights;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HybridLoggingOptions>, AddInsightsObserver>());
        return builder;
    }

    // Binds the "Insights" section under the provider's own section (Logging:HybridLogging), so it reloads with it.
    private sealed class BindInsightsSection(ILoggerProviderConfiguration<HybridLoggerProvider> configuration) : IConfigureOptions<InsightsOptions>
    {
        public void Configure(InsightsOptions options) => configuration.Configuration.GetSection("Insights").Bind(options);
    }

    private sealed class InsightsChangeTokenSource(ILoggerProviderConfiguration<HybridLoggerProvider> configuration)
        : ConfigurationChangeTokenSource<InsightsOptions>(configuration.Configuration.GetSection("Insights"));

    private sealed class AddInsightsObserver(IServiceProvider services) : IConfigureOptions<HybridLoggingOptions>
    {
        public void Configure(HybridLoggingOptions options) => options.AddObserver(services.GetRequiredService<LogInsights>());
    }
}
