using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>Entry counts by level.</summary>
public sealed class LevelCounts
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal LevelCounts()
    {
    }

    /// <summary>Trace entries.</summary>
    [JsonInclude]
    public long Trace { get; internal init; }

    /// <summary>Debug entries.</summary>
    [JsonInclude]
    public long Debug { get; internal init; }

    /// <summary>Information entries.</summary>
    [JsonInclude]
    public long Information { get; internal init; }

    /// <summary>Warning entries.</summary>
    [JsonInclude]
    public long Warning { get; internal init; }

    /// <summary>Error entries.</summary>
    [JsonInclude]
    public long Error { get; internal init; }

    /// <summary>Critical entries.</summary>
    [JsonInclude]
    public long Critical { get; internal init; }

    /// <summary>All entries.</summary>
    public long Total => Trace + Debug + Information + Warning + Error + Critical;

    internal static LevelCounts From(ReadOnlySpan<long> levels) => new()
    {
        Trace = levels[0],
        Debug = levels[1],
        Information = levels[2],
        Warning = levels[3],
        Error = levels[4],
        Critical = levels[5],
    };
}
