using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace HybridRouter.Sample;

/// <summary>
/// Polly.Core circuit breaker around the primary provider, logging its transitions. The logger category ends in
/// <c>CircuitBreaker</c>, so its entries carry the source <c>CircuitBreaker</c>.
/// </summary>
/// <remarks>
/// Transitions are logged by comparing Polly's state before and after each call rather than from Polly's
/// OnOpened/OnClosed callbacks: for asynchronous executions Polly runs those callbacks on its own scheduled task, outside
/// the caller's execution context, so the request's correlation context would be missing and their order relative to the
/// router's entries would vary from run to run.
/// </remarks>
public sealed partial class CircuitBreaker
{
    private readonly ILogger<CircuitBreaker> _logger;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private DateTimeOffset _openUntil;
    private int _opened;
    private int _closed;

    /// <summary>Creates the breaker for <see cref="SimulationOptions.PrimaryProvider"/>.</summary>
    public CircuitBreaker(ILogger<CircuitBreaker> logger, SimulationOptions options, SimulatedClock clock)
    {
        _logger = logger;
        _time = clock;
        Provider = options.PrimaryProvider;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Times are virtual (SimulatedClock): about five requests fit in the sampling window.
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(1),
                BreakDuration = BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<ProviderException>(),
                StateProvider = _state,
            })
            .Build();
    }

    /// <summary>How long the breaker stays open before a probe (virtual time).</summary>
    public static TimeSpan BreakDuration { get; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The guarded provider.</summary>
    public string Provider { get; }

    /// <summary>
    /// Polly's state. An open breaker whose break duration has passed still reports Open until the next call through
    /// it, which becomes the half-open probe; <see cref="IsRejectingCalls"/> accounts for that.
    /// </summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>Whether a call now would be rejected without reaching the provider.</summary>
    public bool IsRejectingCalls => State == CircuitState.Isolated || (State == CircuitState.Open && _time.GetUtcNow() < _openUntil);

    /// <summary>Whether the next call is the probe that decides between closing and re-opening.</summary>
    public bool IsProbing => State == CircuitState.HalfOpen || (State == CircuitState.Open && _time.GetUtcNow() >= _openUntil);

    /// <summary>How often the breaker opened.</summary>
    public int OpenedCount => Volatile.Read(ref _opened);

    /// <summary>How often the breaker closed again.</summary>
    public int ClosedCount => Volatile.Read(ref _closed);

    /// <summary>Runs <paramref name="call"/> through the breaker; throws <see cref="BrokenCircuitException"/> while open.</summary>
    public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var before = State;
        var probing = IsProbing;
        string? errorCode = null;
        try
        {
            return await _pipeline.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex)
        {
            errorCode = ex.ErrorCode;
            throw;
        }
        finally
        {
            ReportTransition(before, probing, State, errorCode);
        }
    }

    private void ReportTransition(CircuitState before, bool probing, CircuitState after, string? errorCode)
    {
        if (probing && before == CircuitState.Open)
        {
            LogHalfOpened(_logger, Provider);
        }

        if (after == CircuitState.Open && (before != CircuitState.Open || probing))
        {
            _opened++;
            _openUntil = _time.GetUtcNow() + BreakDuration;
            LogOpened(_logger, Provider, BreakDuration.TotalMilliseconds, errorCode ?? "unknown", probing ? "probe-failed" : "failure-ratio");
        }
        else if (after == CircuitState.Closed && before != CircuitState.Closed)
        {
            _closed++;
            LogClosed(_logger, Provider);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Circuit for {Provider} opened for {BreakDurationMs} ms after {ErrorCode} ({BreakReason})")]
    private static partial void LogOpened(ILogger logger, string provider, double breakDurationMs, string errorCode, string breakReason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Circuit for {Provider} half-open: probing with this request")]
    private static partial void LogHalfOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Circuit for {Provider} closed: provider healthy again")]
    private static partial void LogClosed(ILogger logger, string provider);
}
