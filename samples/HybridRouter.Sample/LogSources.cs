namespace HybridRouter.Sample;

/// <summary>The sample router's component (source) names: its categories' last segments.</summary>
public static class LogSources
{
    /// <summary>The request router.</summary>
    public const string HybridRouter = "HybridRouter";
    /// <summary>The Bedrock model client.</summary>
    public const string BedrockClient = "BedrockClient";
    /// <summary>The support manager.</summary>
    public const string SupportManager = "SupportManager";
    /// <summary>The performance monitor.</summary>
    public const string PerformanceMonitor = "PerformanceMonitor";
    /// <summary>The alert system.</summary>
    public const string AlertSystem = "AlertSystem";
    /// <summary>The cache layer.</summary>
    public const string CacheLayer = "CacheLayer";
    /// <summary>Circuit breakers.</summary>
    public const string CircuitBreaker = "CircuitBreaker";
    /// <summary>The metrics publisher.</summary>
    public const string MetricsPublisher = "MetricsPublisher";

    /// <summary>All well-known sources.</summary>
    public static IReadOnlyList<string> WellKnown { get; } =
        [HybridRouter, BedrockClient, SupportManager, PerformanceMonitor, AlertSystem, CacheLayer, CircuitBreaker, MetricsPublisher];
}
