using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>Settings of the console sink. Bound from a configuration-declared sink section (<c>Type: "Console"</c>).</summary>
public sealed class ConsoleSinkOptions
{
    /// <summary>
    /// Output format. Default null (auto): colored <see cref="LogFormat.Text"/> when standard output is a terminal,
    /// <see cref="LogFormat.Json"/> lines when it is redirected (a file, a pipe, a container log collector).
    /// </summary>
    public LogFormat? Format { get; set; }

    /// <summary>
    /// Whether text output colours the level with ANSI escape codes. Default true. Applies only to
    /// <see cref="LogFormat.Text"/> when every stream written to is a terminal (standard output, and standard error when
    /// <see cref="StandardErrorFromLevel"/> splits it off); redirected output and JSON are never coloured.
    /// </summary>
    public bool UseColors { get; set; } = true;

    /// <summary>
    /// Lowest level written to standard error instead of standard output (for example <see cref="LogLevel.Error"/>).
    /// Default <see cref="LogLevel.None"/>: everything goes to standard output.
    /// </summary>
    public LogLevel StandardErrorFromLevel { get; set; } = LogLevel.None;

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Format is { } format && !Enum.IsDefined(format))
        {
            errors.Add($"Console sink: Format must be Json, Text or null for automatic (was {format}).");
        }

        if (!Enum.IsDefined(StandardErrorFromLevel))
        {
            errors.Add($"Console sink: StandardErrorFromLevel must be a LogLevel from Trace to None (was {StandardErrorFromLevel}).");
        }

        return errors;
    }

    internal ConsoleSinkOptions Clone() => (ConsoleSinkOptions)MemberwiseClone();
}
