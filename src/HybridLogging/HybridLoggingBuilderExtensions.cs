using HybridLogging;
using HybridLogging.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Logging;

/// <summary>Registers HybridLogging with Microsoft.Extensions.Logging.</summary>
public static class HybridLoggingBuilderExtensions
{
    /// <summary>
    /// Adds the HybridLogging provider. Options bind from <c>Logging:HybridLogging</c> and reload live. Calling it more
    /// than once is harmless. The pipeline is drained when the host stops and when the logger factory is disposed.
    /// Also registers the provider's <see cref="LogStreamManager"/> and a <see cref="HybridLogAggregator"/> facade over
    /// the provider as singletons.
    /// </summary>
    /// <example>
    /// <code language="csharp">
    /// var builder = Host.CreateApplicationBuilder(args);
    /// builder.Logging.ClearProviders();
    /// builder.Logging.AddHybridLogging(); // destinations from Logging:HybridLogging:Sinks in appsettings.json
    /// // appsettings.json: { "Logging": { "HybridLogging": { "Sinks": { "files": { "Type": "File", "Path": "logs/app.json" } } } } }
    /// </code>
    /// </example>
    public static ILoggingBuilder AddHybridLogging(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConfiguration();
        builder.Services.TryAddSingleton(static sp => new HybridLoggerProvider(
            sp.GetRequiredService<IOptionsMonitor<HybridLoggingOptions>>(),
            sp,
            sp.GetServices<ILogSinkFactory>(),
            sp.GetService<ILoggerProviderConfiguration<HybridLoggerProvider>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, HybridLoggerProvider>(static sp => sp.GetRequiredService<HybridLoggerProvider>()));
        builder.Services.TryAddSingleton(static sp => sp.GetRequiredService<HybridLoggerProvider>().Streams);
        builder.Services.TryAddSingleton(static sp => new HybridLogAggregator(sp.GetRequiredService<HybridLoggerProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HybridLoggingOptions>, HybridLoggingConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<HybridLoggingOptions>, LoggerProviderOptionsChangeTokenSource<HybridLoggingOptions, HybridLoggerProvider>>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HybridLoggingHostedService>());
        return builder;
    }

    /// <summary>Adds the HybridLogging provider and configures it in code (applied after configuration binding).</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt;
    /// {
    ///     o.MinimumLevel = LogLevel.Information;
    ///     o.Metadata["service"] = "checkout";
    ///     o.AddConsole();                                   // HybridLogging.Sinks.Console
    ///     o.AddFile(f =&gt; f.Path = "logs/checkout.json");    // HybridLogging.Sinks.File
    /// });
    /// </code>
    /// </example>
    public static ILoggingBuilder AddHybridLogging(this ILoggingBuilder builder, Action<HybridLoggingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddHybridLogging();
        builder.Services.Configure(configure);
        return builder;
    }
}
