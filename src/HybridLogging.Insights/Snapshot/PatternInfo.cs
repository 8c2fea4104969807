using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>One tracked message pattern (a template, or free text with its variable parts replaced by placeholders).</summary>
public sealed class PatternInfo
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal PatternInfo()
    {
    }

    /// <summary>The pattern: the message template, or the normalised free text (placeholders such as <c>{Number}</c>).</summary>
    [JsonInclude]
    public string Pattern { get; internal init; } = string.Empty;

    /// <summary>Whether <see cref="Pattern"/> is the entries' message template (else normalised free text).</summary>
    [JsonInclude]
    public bool IsTemplate { get; internal init; }

    /// <summary>The source that logged it (patterns are counted per source).</summary>
    [JsonInclude]
    public string Source { get; internal init; } = string.Empty;

    /// <summary>
    /// Entries in the window asked for (counted since the pattern entered the table; up to <see cref="CountError"/> fewer
    /// than the truth). Without a window, equal to <see cref="TotalCount"/>.
    /// </summary>
    [JsonInclude]
    public long Count { get; internal init; }

    /// <summary>Space-Saving count since observation started: never below the true count, and above it by at most <see cref="CountError"/>.</summary>
    [JsonInclude]
    public long TotalCount { get; internal init; }

    /// <summary>The overestimation bound of <see cref="TotalCount"/> (0 when the pattern has been tracked from its first entry).</summary>
    [JsonInclude]
    public long CountError { get; internal init; }

    /// <summary>The highest level seen.</summary>
    [JsonInclude]
    public LogLevel HighestLevel { get; internal init; }

    /// <summary>Entries by level since the pattern entered the table.</summary>
    [JsonInclude]
    public LevelCounts Levels { get; internal init; } = new();

    /// <summary>First entry since the pattern entered the table.</summary>
    [JsonInclude]
    public DateTimeOffset FirstSeen { get; internal init; }

    /// <summary>Latest entry.</summary>
    [JsonInclude]
    public DateTimeOffset LastSeen { get; internal init; }

    /// <summary>A few distinct messages of this pattern (the first seen).</summary>
    [JsonInclude]
    public IReadOnlyList<string> Samples { get; internal init; } = [];

    /// <summary>Property and metadata keys seen on the pattern's entries (bounded; merged from a sample of the entries).</summary>
    [JsonInclude]
    public IReadOnlyList<string> PropertyKeys { get; internal init; } = [];
}
