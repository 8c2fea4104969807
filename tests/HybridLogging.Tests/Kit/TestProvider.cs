using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Kit;

/// <summary>Builds providers and logger factories for tests.</summary>
internal static class TestProvider
{
    public static HybridLoggerProvider Create(ILogSink sink, Action<HybridLoggingOptions>? configure = null, Action<SinkOptions>? configureSink = null)
    {
        var options = Some.Options(sink, configureSink);
        configure?.Invoke(options);
        return new HybridLoggerProvider(options);
    }

    /// <summary>A real MEL logger factory (external scope provider, filters) with HybridLogging and one collecting sink.</summary>
    public static ILoggerFactory Factory(ILogSink sink, Action<HybridLoggingOptions>? configure = null) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Trace)
            .AddHybridLogging(options =>
            {
                options.AddSink("collect", sink, null);
                configure?.Invoke(options);
            }));

    public static CancellationToken Token => TestContext.Current.CancellationToken;
}
