namespace HybridLogging.Insights;

/// <summary>Entry counts by level.</summary>
public sealed class LevelCounts
{
    /// <summary>Trace entries.</summary>
    public long Trace { get; init; }

    /// <summary>Debug entries.</summary>
    public long Debug { get; init; }

    /// <summary>Information entries.</summary>
    public long Information { get; init; }

    /// <summary>Warning entries.</summary>
    public long Warning { get; init; }

    /// <summary>Error entries.</summary>
    public long Error { get; init; }

    /// <summary>Critical entries.</summary>
    public long Critical { get; init; }

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
