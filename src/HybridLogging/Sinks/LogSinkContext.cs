using Microsoft.Extensions.Configuration;

namespace HybridLogging;

/// <summary>What a sink factory gets to create a sink.</summary>
public sealed class LogSinkContext
{
    /// <summary>Creates a context (the pipeline does; sink authors do in their factories' tests).</summary>
    /// <param name="name">The destination name.</param>
    /// <param name="configuration">The destination's configuration section (sink-specific settings live here).</param>
    /// <param name="services">The application's services.</param>
    public LogSinkContext(string name, IConfiguration configuration, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        Configuration = configuration;
        Services = services;
    }

    /// <summary>The destination name.</summary>
    public string Name { get; }

    /// <summary>The destination's configuration section (sink-specific settings live here).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The destination's stream asks for compressed payloads (gzip) where the sink supports it.</summary>
    public bool CompressionEnabled { get; init; }

    /// <summary>The destination name (the context holds services and configuration, which are not worth printing).</summary>
    public override string ToString() => Name;
}
