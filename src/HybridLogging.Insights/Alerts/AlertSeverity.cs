namespace HybridLogging.Insights;

/// <summary>How urgent an alert is; chosen per rule.</summary>
public enum AlertSeverity
{
    /// <summary>Worth knowing.</summary>
    Info,

    /// <summary>Needs attention soon.</summary>
    Warning,

    /// <summary>Needs attention now.</summary>
    Critical,
}
