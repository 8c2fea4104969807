using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// <see cref="ILogger"/> extensions for the entries the project's JSON layout has typed fields for: performance
/// (<c>operationType</c>, <c>duration</c>) and routing decisions (<c>routing.provider</c>, <c>routing.reason</c>).
/// Built on <c>[LoggerMessage]</c>: the level is checked first, and an enabled call allocates nothing on the calling
/// thread. They live in the <c>HybridLogging</c> namespace (add <c>using HybridLogging;</c>), so they never collide
/// with extension methods of the same name an application already has in scope.
/// </summary>
/// <remarks>
/// <see cref="HybridLogAggregator.LogPerformance"/> and <see cref="HybridLogAggregator.LogRouting"/> write the same
/// entries (same template, event and fields), with metadata added as properties.
/// </remarks>
public static partial class HybridLoggerExtensions
{
    /// <summary>The template of performance entries; <c>OperationType</c> and <c>DurationMs</c> lift into their JSON fields.</summary>
    internal const string PerformanceTemplate = "{OperationType} completed in {DurationMs} ms";

    /// <summary>
    /// The template of routing entries; <c>Provider</c> and <c>RoutingReason</c> lift into <c>routing</c>, and
    /// <c>FallbackUsed</c> stays a boolean property (the layout's <c>routing.fallback</c> names a fallback provider).
    /// </summary>
    internal const string RoutingTemplate = "Routed to {Provider} (fallback used: {FallbackUsed}): {RoutingReason}";

    /// <summary>Event name of performance entries.</summary>
    internal const string PerformanceEventName = "Performance";

    /// <summary>Event name of routing entries.</summary>
    internal const string RoutingEventName = "Routing";

    /// <summary>
    /// Logs at <see cref="LogLevel.Information"/> that <paramref name="operationType"/> took <paramref name="duration"/>:
    /// message <c>"{OperationType} completed in {DurationMs} ms"</c>, event name <c>Performance</c>, JSON fields
    /// <c>operationType</c> and <c>duration</c> (milliseconds, rounded to the microsecond).
    /// </summary>
    /// <param name="logger">The logger.</param>
    /// <param name="operationType">What was timed (for example <c>checkout</c> or <c>db.query</c>).</param>
    /// <param name="duration">How long it took.</param>
    public static void LogPerformance(this ILogger logger, string operationType, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Performance(logger, operationType, DurationMs(duration));
    }

    /// <summary>
    /// Logs a routing decision: message <c>"Routed to {Provider} (fallback used: {FallbackUsed}): {RoutingReason}"</c>,
    /// event name <c>Routing</c>, JSON fields <c>routing.provider</c> and <c>routing.reason</c>, and the boolean property
    /// <c>FallbackUsed</c>. The level is <see cref="LogLevel.Information"/>, or <see cref="LogLevel.Warning"/> when the
    /// fallback was used (a degraded route).
    /// </summary>
    /// <param name="logger">The logger.</param>
    /// <param name="provider">The provider the request went to.</param>
    /// <param name="fallbackUsed">Whether that provider is the fallback.</param>
    /// <param name="reason">Why this route was chosen.</param>
    public static void LogRouting(this ILogger logger, string provider, bool fallbackUsed, string reason)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Routing(logger, RoutingLevel(fallbackUsed), provider, fallbackUsed, reason);
    }

    /// <summary>
    /// Starts timing <paramref name="operationType"/>; disposing the returned value logs its duration as
    /// <see cref="LogPerformance"/> does. Nothing is allocated: the value holds the logger, the name and a
    /// <see cref="Stopwatch"/> timestamp. Dispose it once (typically with <c>using</c>): each disposal logs an entry.
    /// When <see cref="LogLevel.Information"/> is off for <paramref name="logger"/> at the start, the operation is
    /// neither timed nor logged (the <c>default</c> value is returned, whose <see cref="LoggedOperation.Elapsed"/> is zero).
    /// </summary>
    /// <remarks>
    /// It opens no scope and no correlation context, so that timing stays free; entries logged inside the operation
    /// carry its name only if it runs in a context that has it, for example
    /// <c>using var context = CorrelationContext.Begin(operationType: "checkout");</c> around it.
    /// </remarks>
    /// <param name="logger">The logger.</param>
    /// <param name="operationType">What is timed.</param>
    /// <example>
    /// <code>
    /// using (logger.BeginOperation("checkout"))
    /// {
    ///     await ProcessAsync(order);
    /// } // logs "checkout completed in 12.345 ms" with operationType "checkout" and duration 12.345
    /// </code>
    /// </example>
    public static LoggedOperation BeginOperation(this ILogger logger, string operationType)
    {
        ArgumentNullException.ThrowIfNull(logger);

        // Checked first like every call here: an operation that would not be logged is not timed either.
        return logger.IsEnabled(LogLevel.Information) ? new LoggedOperation(logger, operationType, Stopwatch.GetTimestamp()) : default;
    }

    /// <summary>The level of a routing entry.</summary>
    internal static LogLevel RoutingLevel(bool fallbackUsed) => fallbackUsed ? LogLevel.Warning : LogLevel.Information;

    /// <summary>A duration as the milliseconds written (three decimals: a microsecond is finer than a log line needs).</summary>
    internal static double DurationMs(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    [LoggerMessage(EventId = 0, EventName = PerformanceEventName, Level = LogLevel.Information, Message = PerformanceTemplate)]
    private static partial void Performance(ILogger logger, string operationType, double durationMs);

    [LoggerMessage(EventId = 0, EventName = RoutingEventName, Message = RoutingTemplate)]
    private static partial void Routing(ILogger logger, LogLevel level, string provider, bool fallbackUsed, string routingReason);
}
