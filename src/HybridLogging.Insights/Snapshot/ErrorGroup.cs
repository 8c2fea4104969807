using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>Errors grouped by exception type and message pattern (entries at Error or above, or carrying an exception).</summary>
public sealed class ErrorGroup
{
    /// <summary>Full type name of the exception, or empty when the entries had none.</summary>
    public string ExceptionType { get; init; } = string.Empty;

    /// <summary>The message pattern.</summary>
    public string Pattern { get; init; } = string.Empty;

    /// <summary>The source that logged it.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Entries in the window asked for (without a window, equal to <see cref="TotalCount"/>).</summary>
    public long Count { get; init; }

    /// <summary>Space-Saving count since observation started (overestimates by at most <see cref="CountError"/>).</summary>
    public long TotalCount { get; init; }

    /// <summary>The overestimation bound of <see cref="TotalCount"/>.</summary>
    public long CountError { get; init; }

    /// <summary>The highest level seen.</summary>
    public LogLevel HighestLevel { get; init; }

    /// <summary>First entry since the group entered the table.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Latest entry.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>The first message of the group.</summary>
    public string? SampleMessage { get; init; }
}
