using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>Errors grouped by exception type and message pattern (entries at Error or above, or carrying an exception).</summary>
public sealed class ErrorGroup
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal ErrorGroup()
    {
    }

    /// <summary>Full type name of the exception, or empty when the entries had none.</summary>
    [JsonInclude]
    public string ExceptionType { get; internal init; } = string.Empty;

    /// <summary>The message pattern.</summary>
    [JsonInclude]
    public string Pattern { get; internal init; } = string.Empty;

    /// <summary>The source that logged it.</summary>
    [JsonInclude]
    public string Source { get; internal init; } = string.Empty;

    /// <summary>Entries in the window asked for (without a window, equal to <see cref="TotalCount"/>).</summary>
    [JsonInclude]
    public long Count { get; internal init; }

    /// <summary>Space-Saving count since observation started (overestimates by at most <see cref="CountError"/>).</summary>
    [JsonInclude]
    public long TotalCount { get; internal init; }

    /// <summary>The overestimation bound of <see cref="TotalCount"/>.</summary>
    [JsonInclude]
    public long CountError { get; internal init; }

    /// <summary>The highest level seen.</summary>
    [JsonInclude]
    public LogLevel HighestLevel { get; internal init; }

    /// <summary>First entry since the group entered the table.</summary>
    [JsonInclude]
    public DateTimeOffset FirstSeen { get; internal init; }

    /// <summary>Latest entry.</summary>
    [JsonInclude]
    public DateTimeOffset LastSeen { get; internal init; }

    /// <summary>The first message of the group.</summary>
    [JsonInclude]
    public string? SampleMessage { get; internal init; }
}
