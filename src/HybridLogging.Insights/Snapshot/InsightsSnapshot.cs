using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace HybridLogging.Insights;

/// <summary>
/// Everything the insights know over one window (and the alerts active when it was taken), in one object a dashboard or an HTTP endpoint can serve: serialise it
/// with <see cref="JsonTypeInfo"/> (System.Text.Json source generation, no reflection, safe with trimming and native
/// AOT) or <see cref="LogInsights.ToJson"/>.
/// </summary>
public sealed class InsightsSnapshot
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal InsightsSnapshot()
    {
    }

    /// <summary>
    /// Source-generated JSON metadata (camelCase, enums as strings):
    /// <c>JsonSerializer.Serialize(snapshot, InsightsSnapshot.JsonTypeInfo)</c>, or
    /// <c>Results.Json(snapshot, InsightsSnapshot.JsonTypeInfo)</c> in an ASP.NET Core endpoint.
    /// </summary>
    public static JsonTypeInfo<InsightsSnapshot> JsonTypeInfo => InsightsJsonContext.Default.InsightsSnapshot;

    /// <summary>When the snapshot was taken (the insights' clock).</summary>
    [JsonInclude]
    public DateTimeOffset TakenAt { get; internal init; }

    /// <summary>Entries observed since the insights started.</summary>
    [JsonInclude]
    public long ObservedEntries { get; internal init; }

    /// <summary>Patterns in the table now.</summary>
    [JsonInclude]
    public int TrackedPatterns { get; internal init; }

    /// <summary>The table's capacity (<see cref="PatternOptions.MaxPatterns"/>).</summary>
    [JsonInclude]
    public int PatternCapacity { get; internal init; }

    /// <summary>Counts, error rates and latencies over the window.</summary>
    [JsonInclude]
    public WindowStatistics Statistics { get; internal init; } = new();

    /// <summary>The most frequent patterns in the window.</summary>
    [JsonInclude]
    public IReadOnlyList<PatternInfo> TopPatterns { get; internal init; } = [];

    /// <summary>The most frequent error groups in the window.</summary>
    [JsonInclude]
    public IReadOnlyList<ErrorGroup> TopErrors { get; internal init; } = [];

    /// <summary>Health of every source.</summary>
    [JsonInclude]
    public IReadOnlyList<SourceHealth> Health { get; internal init; } = [];

    /// <summary>Alerts raised and not resolved yet (see <see cref="LogInsights.GetActiveAlerts"/>).</summary>
    [JsonInclude]
    public IReadOnlyList<Alert> ActiveAlerts { get; internal init; } = [];

    /// <summary>Alert engine counters: raised, resolved, suppressed, notifications sent and failed.</summary>
    [JsonInclude]
    public AlertStats? AlertStats { get; internal init; }
}
