namespace HybridLogging.Insights;

/// <summary>Options for pattern aggregation.</summary>
public sealed class PatternOptions
{
    /// <summary>How many patterns are tracked (the heavy-hitters capacity K). Default 1000.</summary>
    public int MaxPatterns { get; set; } = 1000;
}
