using System.Text.Json.Serialization.Metadata;

namespace HybridLogging.Insights;

/// <summary>
/// Everything the insights know over one window (and the alerts active when it was taken), in one object a dashboard or an HTTP endpoint can serve: serialise it
/// with <see cref="JsonTypeInfo"/> (System.Text.Json source generation, no reflection, safe with trimming and native
/// AOT) or <see cref="LogInsights.ToJson"/>.
/// </summary>
public sealed class InsightsSnapshot
{
    /// <summary>
    /// Source-generated JSON metadata (camelCase, enums as strings):
    /// <c>JsonSerializer.Serialize(snapshot, InsightsSnapshot.JsonTypeInfo)</c>, or
    /// <c>Results.Json(snapshot, InsightsSnapshot.JsonTypeInfo)</c> in an ASP.NET Core endpoint.
    /// </summary>
    public static JsonTypeInfo<InsightsSnapshot> JsonTypeInfo => InsightsJsonContext.Default.InsightsSnapshot;

    /// <summary>When the snapshot was taken (the insights' clock).</summary>
    public DateTimeOffset TakenAt { get; init; }

    /// <summary>Entries observed since the insights started.</summary>
    public long ObservedEntries { get; init; }

    /// <summary>Patterns in the table now.</summary>
    public int TrackedPatterns { get; init; }

    /// <summary>The table's capacity (<see cref="PatternOptions.MaxPatterns"/>).</summary>
    public int PatternCapacity { get; init; }

    /// <summary>Counts, error rates and latencies over the window.</summary>
    public WindowStatistics Statistics { get; init; } = new();

    /// <summary>The most frequent patterns in the window.</summary>
    public IReadOnlyList<PatternInfo> TopPatterns { get; init; } = [];

    /// <summary>The most frequent error groups in the window.</summary>
    public IReadOnlyList<ErrorGroup> TopErrors { get; init; } = [];

    /// <summary>Health of every source.</summary>
    public IReadOnlyList<SourceHealth> Health { get; init; } = [];

    /// <summary>Alerts raised and not resolved yet (see <see cref="LogInsights.GetActiveAlerts"/>).</summary>
    public IReadOnlyList<Alert> ActiveAlerts { get; init; } = [];

    /// <summary>Alert engine counters: raised, resolved, suppressed, notifications sent and failed.</summary>
    public AlertStats? AlertStats { get; init; }
}
