namespace HybridRouter.Sample;

/// <summary>Settings of the simulated routing run.</summary>
public sealed class SimulationOptions
{
    /// <summary>Requests to route. Default 50 (the first command-line argument overrides it).</summary>
    public int RequestCount { get; set; } = 50;

    /// <summary>Seed of every random choice (latency, failures, users), so a run is repeatable. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>The primary provider. Default <c>bedrock</c>.</summary>
    public string PrimaryProvider { get; set; } = "bedrock";

    /// <summary>The fallback provider. Default <c>openai-fallback</c>.</summary>
    public string FallbackProvider { get; set; } = "openai-fallback";

    /// <summary>A failure burst of the primary starts every this many requests. Default 20.</summary>
    public int BurstEvery { get; set; } = 20;

    /// <summary>First request of the first burst. Default 6.</summary>
    public int FirstBurstAt { get; set; } = 6;

    /// <summary>
    /// First request of the fallback provider's failure burst (it fails most calls for
    /// <see cref="FallbackBurstLength"/> requests), placed inside the primary's second burst so requests fail on every
    /// provider and the insights raise an alert. Default 28; a negative value turns the burst off.
    /// </summary>
    public int FallbackBurstAt { get; set; } = 28;

    /// <summary>Requests in the fallback provider's failure burst. Default 4.</summary>
    public int FallbackBurstLength { get; set; } = 4;
}
