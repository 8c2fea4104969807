namespace HybridLogging;

/// <summary>Creates sinks of one type for destinations declared in configuration. Sink packages provide one each.</summary>
public interface ILogSinkFactory
{
    /// <summary>The type name used in configuration (for example <c>File</c>); compared case-insensitively.</summary>
    string Type { get; }

    /// <summary>Creates a sink for a destination.</summary>
    ILogSink Create(LogSinkContext context);
}

/// <summary>
/// Marks the sink factory of a sink package, so a destination declared in configuration with <c>Type</c> "X" finds the
/// factory in the assembly <c>HybridLogging.Sinks.X</c> without any registration code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class LogSinkFactoryAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public LogSinkFactoryAttribute([System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type factoryType)
    {
        FactoryType = factoryType;
    }

    /// <summary>A type implementing <see cref="ILogSinkFactory"/> with a public parameterless constructor.</summary>
    [System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type FactoryType { get; }
}
