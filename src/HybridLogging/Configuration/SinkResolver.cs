using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace HybridLogging.Internal;

/// <summary>
/// Finds the factory of a destination type (registered services, factories added to the options, then the
/// <c>HybridLogging.Sinks.{Type}</c> convention), checks a destination's settings without opening it, and creates sinks.
/// </summary>
internal sealed class SinkResolver(IServiceProvider services, ILogSinkFactory[] factories)
{
    private readonly ConcurrentDictionary<string, ILogSinkFactory> _conventional = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks that the type resolves and, where the factory can, that the settings are valid. Opens nothing.</summary>
    public IReadOnlyList<string> Validate(string name, string? type, IConfiguration section, bool compression, HybridLoggingOptions options)
    {
        ILogSinkFactory factory;
        try
        {
            factory = Resolve(name, type, options);
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message];
        }

        if (factory is not IValidatingLogSinkFactory validating)
        {
            return [];
        }

        try
        {
            return validating.Validate(Context(name, section, compression));
        }
        catch (Exception ex)
        {
            // A value the binder cannot convert (for example "MaxFileSizeBytes": "abc") throws here.
            return [$"Sink '{name}': its settings could not be read: {ex.Message}"];
        }
    }

    /// <summary>The destination settings the type's factory asks for, or null (no such factory, or it asks for none).</summary>
    public ILogSinkDestinationDefaults? DestinationDefaults(string name, string? type, HybridLoggingOptions options)
    {
        try
        {
            return Resolve(name, type, options) as ILogSinkDestinationDefaults;
        }
        catch (InvalidOperationException)
        {
            return null; // an unknown type: Validate reports it
        }
    }

    public ILogSink Create(string name, string? type, IConfiguration section, bool compression, HybridLoggingOptions options) =>
        Resolve(name, type, options).Create(Context(name, section, compression));

    private LogSinkContext Context(string name, IConfiguration section, bool compression) =>
        new(name, section, services) { CompressionEnabled = compression };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Convention lookup of sink assemblies; AOT apps register sinks in code or through ILogSinkFactory services.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The attribute's type carries DynamicallyAccessedMembers.")]
    private ILogSinkFactory Resolve(string name, string? type, HybridLoggingOptions options)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new InvalidOperationException($"Sink '{name}': Type is required (for example \"Console\" or \"File\").");
        }

        foreach (var factory in factories.Concat(options.GetSinkFactories()))
        {
            if (string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return factory;
            }
        }

        if (_conventional.TryGetValue(type, out var found))
        {
            return found;
        }

        // Convention: a sink package named HybridLogging.Sinks.{Type} marks its factory with [assembly: LogSinkFactory].
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName("HybridLogging.Sinks." + type));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Sink '{name}' has Type '{type}', but no sink factory for it is registered and no assembly 'HybridLogging.Sinks.{type}' is referenced. " +
                $"Add the package HybridLogging.Sinks.{type}; in a trimmed or NativeAOT app, where assemblies are not found by name, also register its factory " +
                "(services.AddSingleton<ILogSinkFactory, ...>() or HybridLoggingOptions.AddSinkFactory).", ex);
        }

        foreach (var attribute in assembly.GetCustomAttributes<LogSinkFactoryAttribute>())
        {
            if (Activator.CreateInstance(attribute.FactoryType) is ILogSinkFactory factory &&
                string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return _conventional.GetOrAdd(type, factory);
            }
        }

        throw new InvalidOperationException($"Sink '{name}': assembly HybridLogging.Sinks.{type} has no [LogSinkFactory] for type '{type}'.");
    }
}
