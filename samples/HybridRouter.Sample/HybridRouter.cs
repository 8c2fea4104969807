using System.Globalization;
using HybridLogging;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace HybridRouter.Sample;

/// <summary>
/// Routes simulated model requests to the primary provider through a circuit breaker and falls back to the fallback
/// provider when the primary fails or its circuit is open. Every request runs in its own correlation context, so all
/// entries it logs (here, in the breaker and in the monitor) carry the same correlation, request, user and session ids.
/// </summary>
public sealed partial class HybridRouter
{
    private const string RouteOperation = "route";

    private readonly ILogger<HybridRouter> _logger;
    private readonly SimulationOptions _options;
    private readonly CircuitBreaker _breaker;
    private readonly PerformanceMonitor _monitor;
    private readonly SimulatedClock _clock;
    private readonly SimulatedModelProvider _primary;
    private readonly SimulatedModelProvider _fallback;
    private readonly Random _users;

    /// <summary>Creates the router and its simulated providers.</summary>
    public HybridRouter(ILogger<HybridRouter> logger, SimulationOptions options, CircuitBreaker breaker, PerformanceMonitor monitor, SimulatedClock clock)
    {
        _logger = logger;
        _options = options;
        _breaker = breaker;
        _monitor = monitor;
        _clock = clock;
        _users = new Random(options.Seed);
        var burstEvery = Math.Max(options.BurstEvery, 1);
        var burstLength = 6 + new Random(options.Seed + 7).Next(4); // 6..9 requests per burst
        _primary = new SimulatedModelProvider(options.PrimaryProvider, options.Seed + 1, clock, 60, 240, 0.02,
            i => i >= options.FirstBurstAt && (i - options.FirstBurstAt) % burstEvery < burstLength);
        _fallback = new SimulatedModelProvider(options.FallbackProvider, options.Seed + 2, clock, 150, 420, 0.03,
            i => options.FallbackBurstAt >= 0 && i >= options.FallbackBurstAt && i < options.FallbackBurstAt + options.FallbackBurstLength);
    }

    /// <summary>Routes <see cref="SimulationOptions.RequestCount"/> requests one after another and logs the summary.</summary>
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        // One dictionary scope around the whole run: its values land in every entry's properties.
        using (_logger.BeginScope(new Dictionary<string, object?>
        {
            ["SimulationSeed"] = _options.Seed,
            ["PrimaryProvider"] = _options.PrimaryProvider,
            ["RunId"] = Guid.NewGuid().ToString("N")[..12],
        }))
        {
            LogRunStarting(_logger, _options.RequestCount, _options.PrimaryProvider, _options.FallbackProvider);
            for (var i = 0; i < _options.RequestCount && !cancellationToken.IsCancellationRequested; i++)
            {
                await RouteAsync(i, cancellationToken).ConfigureAwait(false);
                _clock.Advance(TimeSpan.FromMilliseconds(40)); // gap between arrivals
            }

            return _monitor.LogSummary();
        }
    }

    private async Task RouteAsync(int index, CancellationToken cancellationToken)
    {
        using var correlation = CorrelationContext.Begin(
            requestId: "req-" + index.ToString("D4", CultureInfo.InvariantCulture),
            userId: "user-" + _users.Next(1, 9).ToString(CultureInfo.InvariantCulture),
            sessionId: "session-" + (index / 10).ToString(CultureInfo.InvariantCulture),
            operationType: RouteOperation);
        var started = _clock.GetTimestamp();
        var primary = _options.PrimaryProvider;
        var fallback = _options.FallbackProvider;

        string reason;
        if (_breaker.IsRejectingCalls)
        {
            reason = "circuit-open";
            LogRoutedToFallback(_logger, fallback, primary, reason, RouteOperation);
        }
        else
        {
            reason = _breaker.IsProbing ? "half-open-probe" : "primary-healthy";
            LogRouted(_logger, primary, fallback, reason, RouteOperation);
            try
            {
                var latency = await _breaker.ExecuteAsync(ct => _primary.InvokeAsync(index, ct), cancellationToken).ConfigureAwait(false);
                Completed(primary, latency, started, usedFallback: false);
                return;
            }
            catch (BrokenCircuitException)
            {
                // The breaker opened between the state check and the call (or is isolated): same as open.
                reason = "circuit-open";
                LogRoutedToFallback(_logger, fallback, primary, reason, RouteOperation);
            }
            catch (ProviderException ex)
            {
                reason = "primary-error";
                LogPrimaryFailed(_logger, ex, primary, fallback, reason, ex.ErrorCode, ex.LatencyMs);
            }
        }

        try
        {
            var latency = await _fallback.InvokeAsync(index, cancellationToken).ConfigureAwait(false);
            Completed(fallback, latency, started, usedFallback: true);
        }
        catch (ProviderException ex)
        {
            var durationMs = ElapsedMs(started);
            LogAllProvidersFailed(_logger, ex, fallback, reason, ex.ErrorCode, durationMs);
            _monitor.Record(durationMs, succeeded: false, usedFallback: true);
        }
    }

    private void Completed(string provider, double latencyMs, long started, bool usedFallback)
    {
        var durationMs = ElapsedMs(started);
        LogCompleted(_logger, provider, latencyMs, durationMs);
        _monitor.Record(durationMs, succeeded: true, usedFallback);
    }

    private double ElapsedMs(long started) => Math.Round(_clock.GetElapsedTime(started).TotalMilliseconds, 1);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Routing {RequestCount} requests: primary {Provider}, fallback {FallbackProvider}")]
    private static partial void LogRunStarting(ILogger logger, int requestCount, string provider, string fallbackProvider);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Routing {OperationType} request to {Provider} (fallback {FallbackProvider}): {RoutingReason}")]
    private static partial void LogRouted(ILogger logger, string provider, string fallbackProvider, string routingReason, string operationType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Routing {OperationType} request to fallback {FallbackProvider} instead of {Provider}: {RoutingReason}")]
    private static partial void LogRoutedToFallback(ILogger logger, string fallbackProvider, string provider, string routingReason, string operationType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Primary {Provider} failed with {ErrorCode} after {LatencyMs} ms; falling back to {FallbackProvider} ({RoutingReason})")]
    private static partial void LogPrimaryFailed(ILogger logger, Exception exception, string provider, string fallbackProvider, string routingReason, string errorCode, double latencyMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Answered by {Provider}: latency {LatencyMs} ms, request duration {DurationMs} ms")]
    private static partial void LogCompleted(ILogger logger, string provider, double latencyMs, double durationMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Request failed on every provider; last {Provider} failed with {ErrorCode} ({RoutingReason}) after {DurationMs} ms")]
    private static partial void LogAllProvidersFailed(ILogger logger, Exception exception, string provider, string routingReason, string errorCode, double durationMs);
}
