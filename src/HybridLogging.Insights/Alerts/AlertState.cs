namespace HybridLogging.Insights;

/// <summary>Whether an <see cref="Alert"/> notice reports a raised condition or its end.</summary>
public enum AlertState
{
    /// <summary>The rule's condition started to hold.</summary>
    Raised,

    /// <summary>The condition that raised the alert no longer holds.</summary>
    Resolved,
}
