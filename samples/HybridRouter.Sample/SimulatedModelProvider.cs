namespace HybridRouter.Sample;

/// <summary>
/// A model provider with random latency and failures. The primary fails in bursts (most calls fail for a few requests
/// every <see cref="SimulationOptions.BurstEvery"/> requests), which is what makes the circuit breaker open and close.
/// </summary>
public sealed class SimulatedModelProvider
{
    private static readonly string[] ErrorCodes = ["ThrottlingException", "ServiceUnavailableException", "ModelTimeoutException"];

    private readonly Random _random;
    private readonly SimulatedClock _clock;
    private readonly double _minLatencyMs;
    private readonly double _maxLatencyMs;
    private readonly double _baseFailureRate;
    private readonly Func<int, bool> _inBurst;

    /// <summary>Creates a provider.</summary>
    public SimulatedModelProvider(string name, int seed, SimulatedClock clock, double minLatencyMs, double maxLatencyMs, double baseFailureRate, Func<int, bool>? inBurst = null)
    {
        Name = name;
        _random = new Random(seed);
        _clock = clock;
        _minLatencyMs = minLatencyMs;
        _maxLatencyMs = maxLatencyMs;
        _baseFailureRate = baseFailureRate;
        _inBurst = inBurst ?? (static _ => false);
    }

    /// <summary>The provider name.</summary>
    public string Name { get; }

    /// <summary>Answers request <paramref name="requestIndex"/> or throws <see cref="ProviderException"/>.</summary>
    public ValueTask<double> InvokeAsync(int requestIndex, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var latencyMs = Math.Round(_minLatencyMs + (_random.NextDouble() * (_maxLatencyMs - _minLatencyMs)), 1);
        var failureRate = _inBurst(requestIndex) ? 0.95 : _baseFailureRate;
        var fails = _random.NextDouble() < failureRate;
        var errorCode = ErrorCodes[_random.Next(ErrorCodes.Length)];
        _clock.Advance(TimeSpan.FromMilliseconds(latencyMs));
        if (fails)
        {
            throw new ProviderException(Name, errorCode, latencyMs);
        }

        return ValueTask.FromResult(latencyMs);
    }
}
