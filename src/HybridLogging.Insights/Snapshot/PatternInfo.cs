using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>One tracked message pattern (a template, or free text with its variable parts replaced by placeholders).</summary>
public sealed class PatternInfo
{
    /// <summary>The pattern: the message template, or the normalised free text (placeholders such as <c>{Number}</c>).</summary>
    public string Pattern { get; init; } = string.Empty;

    /// <summary>Whether <see cref="Pattern"/> is the entries' message template (else normalised free text).</summary>
    public bool IsTemplate { get; init; }

    /// <summary>The source that logged it (patterns are counted per source).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>
    /// Entries in the window asked for (counted since the pattern entered the table; up to <see cref="CountError"/> fewer
    /// than the truth). Without a window, equal to <see cref="TotalCount"/>.
    /// </summary>
    public long Count { get; init; }

    /// <summary>Space-Saving count since observation started: never below the true count, and above it by at most <see cref="CountError"/>.</summary>
    public long TotalCount { get; init; }

    /// <summary>The overestimation bound of <see cref="TotalCount"/> (0 when the pattern has been tracked from its first entry).</summary>
    public long CountError { get; init; }

    /// <summary>The highest level seen.</summary>
    public LogLevel HighestLevel { get; init; }

    /// <summary>Entries by level since the pattern entered the table.</summary>
    public LevelCounts Levels { get; init; } = new();

    /// <summary>First entry since the pattern entered the table.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Latest entry.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>A few distinct messages of this pattern (the first seen).</summary>
    public IReadOnlyList<string> Samples { get; init; } = [];

    /// <summary>Property and metadata keys seen on the pattern's entries (bounded; merged from a sample of the entries).</summary>
    public IReadOnlyList<string> PropertyKeys { get; init; } = [];
}
