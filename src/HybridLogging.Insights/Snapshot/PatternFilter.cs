using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>Narrows <see cref="LogInsights.TopPatterns"/>.</summary>
public sealed class PatternFilter
{
    /// <summary>Only patterns of this source (ordinal); <see langword="null"/> for all. Default null.</summary>
    public string? Source { get; init; }

    /// <summary>Only patterns whose highest level seen is at least this. Default <see cref="LogLevel.Trace"/> (all).</summary>
    public LogLevel MinLevel { get; init; } = LogLevel.Trace;
}
