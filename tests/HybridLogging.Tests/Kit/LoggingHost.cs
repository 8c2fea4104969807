using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Kit;

/// <summary>
/// A DI container with MEL and HybridLogging registered the way an app does it, so MEL's own logger factory, filters
/// and external scope provider are used. Exposes the provider to flush and read statistics.
/// </summary>
internal sealed class LoggingHost : IAsyncDisposable
{
    private LoggingHost(ServiceProvider services)
    {
        Services = services;
        Factory = services.GetRequiredService<ILoggerFactory>();
        Provider = services.GetRequiredService<HybridLoggerProvider>();
    }

    public ServiceProvider Services { get; }

    public ILoggerFactory Factory { get; }

    public HybridLoggerProvider Provider { get; }

    public static LoggingHost Create(ILogSink sink, Action<HybridLoggingOptions>? configure = null, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            if (configuration is not null)
            {
                builder.AddConfiguration(configuration.GetSection("Logging"));
            }

            builder.SetMinimumLevel(LogLevel.Trace);
            builder.AddHybridLogging(options =>
            {
                options.AddSink("collect", sink, null);
                configure?.Invoke(options);
            });
        });
        return new LoggingHost(services.BuildServiceProvider());
    }

    public ILogger Logger(string category) => Factory.CreateLogger(category);

    public Task FlushAsync() => Provider.FlushAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
