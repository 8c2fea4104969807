using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Common;

/// <summary>The shared workload: one source-generated call with an int, a string and a double.</summary>
public static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} for {Customer} totals {Amount}")]
    public static partial void Order(ILogger logger, int orderId, string customer, double amount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Debug order {OrderId} for {Customer} totals {Amount}")]
    public static partial void DebugOrder(ILogger logger, int orderId, string customer, double amount);
}
