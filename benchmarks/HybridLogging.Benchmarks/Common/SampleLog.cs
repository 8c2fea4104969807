using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// The sample's own log calls (<c>samples/HybridRouter.Sample</c>: <c>HybridRouter</c> and <c>CircuitBreaker</c>), copied
/// with the same event ids, levels, templates and parameter names: the vocabulary of a real service, whose names
/// (<c>Provider</c>, <c>FallbackProvider</c>, <c>RoutingReason</c>, <c>LatencyMs</c>, <c>DurationMs</c>, ...) the
/// HybridLogging view lifts into well-known fields. Keep them in step with the sample.
/// </summary>
public static partial class SampleLog
{
    /// <summary>The sample router's category (source <c>HybridRouter</c>).</summary>
    public const string RouterCategory = "HybridRouter.Sample.HybridRouter";

    /// <summary>The sample breaker's category (source <c>CircuitBreaker</c>).</summary>
    public const string BreakerCategory = "HybridRouter.Sample.CircuitBreaker";

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Routing {OperationType} request to {Provider} (fallback {FallbackProvider}): {RoutingReason}")]
    public static partial void LogRouted(ILogger logger, string provider, string fallbackProvider, string routingReason, string operationType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Routing {OperationType} request to fallback {FallbackProvider} instead of {Provider}: {RoutingReason}")]
    public static partial void LogRoutedToFallback(ILogger logger, string fallbackProvider, string provider, string routingReason, string operationType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Primary {Provider} failed with {ErrorCode} after {LatencyMs} ms; falling back to {FallbackProvider} ({RoutingReason})")]
    public static partial void LogPrimaryFailed(ILogger logger, Exception exception, string provider, string fallbackProvider, string routingReason, string errorCode, double latencyMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Answered by {Provider}: latency {LatencyMs} ms, request duration {DurationMs} ms")]
    public static partial void LogCompleted(ILogger logger, string provider, double latencyMs, double durationMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Request failed on every provider; last {Provider} failed with {ErrorCode} ({RoutingReason}) after {DurationMs} ms")]
    public static partial void LogAllProvidersFailed(ILogger logger, Exception exception, string provider, string routingReason, string errorCode, double durationMs);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Circuit for {Provider} opened for {BreakDurationMs} ms after {ErrorCode} ({BreakReason})")]
    public static partial void LogOpened(ILogger logger, string provider, double breakDurationMs, string errorCode, string breakReason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Circuit for {Provider} half-open: probing with this request")]
    public static partial void LogHalfOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Circuit for {Provider} closed: provider healthy again")]
    public static partial void LogClosed(ILogger logger, string provider);
}
