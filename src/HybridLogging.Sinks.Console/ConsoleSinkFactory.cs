using HybridLogging.Sinks.Console.Internal;
using Microsoft.Extensions.Configuration;

namespace HybridLogging;

/// <summary>
/// Creates console sinks for destinations declared in configuration with <c>"Type": "Console"</c>; the destination's
/// section binds onto <see cref="ConsoleSinkOptions"/>. Found by convention through
/// <see cref="LogSinkFactoryAttribute"/>; register it as an <see cref="ILogSinkFactory"/> service in trimmed/AOT apps.
/// </summary>
public sealed class ConsoleSinkFactory : IValidatingLogSinkFactory
{
    /// <summary>The configuration type name: <c>Console</c>.</summary>
    public const string TypeName = "Console";

    /// <inheritdoc />
    public string Type => TypeName;

    /// <inheritdoc />
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ConsoleSink(Bind(context.Configuration));
    }

    /// <summary>Checks the settings (a reload refuses invalid ones before it replaces a working console destination).</summary>
    public IReadOnlyList<string> Validate(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Bind(context.Configuration).Validate();
    }

    /// <summary>Binds a destination section (unknown keys such as <c>Type</c> or <c>BatchSize</c> are ignored here).</summary>
    internal static ConsoleSinkOptions Bind(IConfiguration configuration)
    {
        var options = new ConsoleSinkOptions();
        configuration.Bind(options);
        return options;
    }
}
