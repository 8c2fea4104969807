namespace HybridLogging;

/// <summary>Routing decision attached to an entry (from properties named Provider, Fallback, Reason).</summary>
public sealed class RoutingInfo
{
    /// <summary>The provider the request was routed to.</summary>
    public string? Provider { get; init; }

    /// <summary>The fallback provider used, if any.</summary>
    public string? Fallback { get; init; }

    /// <summary>Why this route was chosen.</summary>
    public string? Reason { get; init; }
}
