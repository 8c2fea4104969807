namespace HybridLogging.Insights;

/// <summary>Options for alerting.</summary>
public sealed class AlertOptions
{
    /// <summary>How many raised and resolved alerts are kept in the history. Default 200.</summary>
    public int HistorySize { get; set; } = 200;
}
