using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Console.Tests.TestKit;

/// <summary>Factories for test data.</summary>
internal static class Some
{
    public static LogEntry LogEntry(LogLevel level = LogLevel.Information, string message = "hello", string? correlationId = "corr-1") => new()
    {
        Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        Level = level,
        Source = "HybridRouter",
        Category = "MyApp.Routing.HybridRouter",
        EventId = new EventId(7, "Routed"),
        Message = message,
        MessageTemplate = "Routed {Provider}",
        CorrelationId = correlationId,
        RequestId = "req-1",
        UserId = "user-1",
        OperationType = "route",
        Duration = TimeSpan.FromMilliseconds(12.5),
        Performance = new PerformanceInfo { LatencyMs = 12.5 },
        Routing = new RoutingInfo { Provider = "bedrock", Fallback = "openai-fallback", Reason = "circuit-open" },
        Properties = [new("Attempt", 2), new("Region", "eu-west-1")],
    };

    public static LogEntry[] LogEntries(int count, LogLevel level = LogLevel.Information) =>
        [.. Enumerable.Range(0, count).Select(i => LogEntry(level, $"message {i}"))];
}
