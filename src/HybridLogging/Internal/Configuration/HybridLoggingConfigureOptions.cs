using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace HybridLogging.Internal;

/// <summary>Binds <c>Logging:HybridLogging</c> onto the options (source-generated binder: trimming- and AOT-safe).</summary>
internal sealed class HybridLoggingConfigureOptions(ILoggerProviderConfiguration<HybridLoggerProvider> configuration)
    : IConfigureOptions<HybridLoggingOptions>
{
    public void Configure(HybridLoggingOptions options) => configuration.Configuration.Bind(options);
}
