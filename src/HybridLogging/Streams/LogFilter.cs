using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// One filter of a stream. Every condition is optional; the ones set are combined with AND. A stream (or destination)
/// with several enabled filters passes an entry that any of them passes; with none, it passes everything.
/// Filters are compiled once into an allocation-free predicate when a stream is created or changed.
/// </summary>
public sealed class LogFilter
{
    /// <summary>Identifier, unique within its stream (destinations refer to it in <see cref="LogDestinationConfig.FilterIds"/>).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Whether the filter takes part. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Levels that pass (empty or null: any level).</summary>
    public List<LogLevel>? Levels { get; set; }

    /// <summary>Lowest level that passes (null: no bound). Combined with <see cref="Levels"/> by AND.</summary>
    public LogLevel? MinimumLevel { get; set; }

    /// <summary>Sources that pass, case-insensitive (empty or null: any source).</summary>
    public List<string>? Sources { get; set; }

    /// <summary>Correlation ids that pass, ordinal (empty or null: any).</summary>
    public List<string>? CorrelationIds { get; set; }

    /// <summary>Keywords searched in the message, case-insensitive (empty or null: no keyword condition).</summary>
    public List<string>? Keywords { get; set; }

    /// <summary>Whether any keyword or all keywords must occur. Default <see cref="KeywordMatch.Any"/>.</summary>
    public KeywordMatch KeywordMatch { get; set; } = KeywordMatch.Any;

    /// <summary>Earliest timestamp that passes (inclusive), or null.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>Latest timestamp that passes (exclusive), or null.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>
    /// Property, metadata or field conditions: a key with a null value must exist; a key with a value must equal it
    /// (ordinal, invariant formatting). Keys are looked up in the entry's fields (correlationId, requestId, userId,
    /// sessionId, operationType, traceId, spanId, category, provider, fallback), then properties, then metadata.
    /// </summary>
    public Dictionary<string, string?>? Properties { get; set; }

    internal LogFilter Clone() => new()
    {
        Id = Id,
        Enabled = Enabled,
        Levels = Levels is null ? null : [.. Levels],
        MinimumLevel = MinimumLevel,
        Sources = Sources is null ? null : [.. Sources],
        CorrelationIds = CorrelationIds is null ? null : [.. CorrelationIds],
        Keywords = Keywords is null ? null : [.. Keywords],
        KeywordMatch = KeywordMatch,
        From = From,
        To = To,
        Properties = Properties is null ? null : new Dictionary<string, string?>(Properties, StringComparer.OrdinalIgnoreCase),
    };
}

/// <summary>How keywords of a <see cref="LogFilter"/> combine.</summary>
public enum KeywordMatch
{
    /// <summary>At least one keyword occurs in the message.</summary>
    Any = 0,

    /// <summary>Every keyword occurs in the message.</summary>
    All = 1,
}
