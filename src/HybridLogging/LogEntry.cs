using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// One structured log entry as sinks see it. Entries are built from the pipeline's view after redaction (by the
/// dispatcher for sinks that take entries, by a subscriber's or a query's own thread as it reads them) and are
/// immutable from then on, so sinks, stream buffers and subscribers may share and keep them.
/// </summary>
public sealed class LogEntry
{
    /// <summary>UTC time at which the log call was made.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Severity. JSON names: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL.</summary>
    public LogLevel Level { get; init; }

    /// <summary>Logical source (for example <c>HybridRouter</c> for the category <c>MyApp.Routing.HybridRouter</c>), derived from the category.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The logger category, usually the full type name.</summary>
    public string Category { get; init; } = string.Empty;

    /// <summary>Event id of the log call (0 when none was given).</summary>
    public EventId EventId { get; init; }

    /// <summary>Rendered message.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>Message template (<c>{OriginalFormat}</c>) when the call had one.</summary>
    public string? MessageTemplate { get; init; }

    /// <summary>
    /// Structured properties from the message template, dictionary-shaped scopes and the correlation context, with
    /// well-known names (ids, duration, performance, routing) lifted into their own fields. Values are snapshots:
    /// primitives, strings, <see cref="DateTimeOffset"/>, arrays of values and key/value arrays.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties { get; init; } = [];

    /// <summary>Correlation id: from the correlation context, a property, or the trace id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>User id.</summary>
    public string? UserId { get; init; }

    /// <summary>Session id.</summary>
    public string? SessionId { get; init; }

    /// <summary>W3C trace id of <see cref="System.Diagnostics.Activity.Current"/> at the call.</summary>
    public string? TraceId { get; init; }

    /// <summary>W3C span id of <see cref="System.Diagnostics.Activity.Current"/> at the call.</summary>
    public string? SpanId { get; init; }

    /// <summary>Kind of operation (for example <c>route</c>, <c>invoke</c>).</summary>
    public string? OperationType { get; init; }

    /// <summary>Duration of the operation, when known.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Error details from the exception passed to the call.</summary>
    public LogError? Error { get; init; }

    /// <summary>Performance figures.</summary>
    public PerformanceInfo? Performance { get; init; }

    /// <summary>Routing decision details.</summary>
    public RoutingInfo? Routing { get; init; }

    /// <summary>Free-form string metadata (for example host, environment, stream tags).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Returns the value of the first property named <paramref name="name"/> (ordinal), or null.</summary>
    public object? GetProperty(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var pair in Properties)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Timestamp:O} {LogLevelNames.Get(Level)} {Source}: {Message}";
}
