using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Common;

/// <summary>A LogEntry shaped like the dispatcher builds for the shared workload.</summary>
public static class Entries
{
    public static LogEntry Order(int i = 42) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Level = LogLevel.Information,
        Category = Loggers.Category,
        Source = Loggers.Category,
        EventId = new EventId(1, "Order"),
        Message = $"Order {i} for contoso totals 12.5",
        MessageTemplate = "Order {OrderId} for {Customer} totals {Amount}",
        Properties =
        [
            new("OrderId", i),
            new("Customer", "contoso"),
            new("Amount", 12.5),
        ],
    };
}
