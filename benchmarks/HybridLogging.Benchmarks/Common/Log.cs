using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Common;

/// <summary>The shared workload: one source-generated call with an int, a string and a double.</summary>
public static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} for {Customer} totals {Amount}")]
    public static partial void Order(ILogger logger, int orderId, string customer, double amount);

    // Built at run time, so each is its own instance, as names read per request are: a logger that caches what it
    // concluded about the last string instance of a property must not get the whole run's customers from one literal.
    // Company names of 9 to 25 characters, with spaces, so the mix has short values and long ones (a logger may treat
    // short strings faster: the secret scan does, below 13 characters).
    private static readonly string[] Companies =
        ["Contoso", "Fabrikam Inc", "Northwind Traders", "Adventure Works", "Litware", "Tailspin Toys", "Wide World Importers", "Proseware"];

    private static readonly string[] Customers =
        [.. Enumerable.Range(0, 1024).Select(i => Companies[i % Companies.Length] + " " + (i / Companies.Length).ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The customer of order <paramref name="orderId"/>: 1,024 company names, each a distinct instance, in turn.</summary>
    public static string Customer(int orderId) => Customers[orderId & 1023];

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Debug order {OrderId} for {Customer} totals {Amount}")]
    public static partial void DebugOrder(ILogger logger, int orderId, string customer, double amount);
}
