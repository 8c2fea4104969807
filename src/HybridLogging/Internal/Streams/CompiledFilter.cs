using System.Collections.Frozen;
using System.Globalization;

namespace HybridLogging.Internal;

/// <summary>
/// A <see cref="LogFilter"/> compiled once into plain fields, so evaluating it allocates nothing: levels as a bit
/// mask, sets as frozen sets, property values compared through <see cref="ISpanFormattable"/> into a stack buffer.
/// </summary>
internal sealed class CompiledFilter
{
    private readonly int _levelMask;
    private readonly FrozenSet<string>? _sources;
    private readonly FrozenSet<string>? _correlationIds;
    private readonly string[] _keywords;
    private readonly bool _allKeywords;
    private readonly long _fromTicks;
    private readonly long _toTicks;
    private readonly PropertyCondition[] _properties;

    public CompiledFilter(LogFilter filter)
    {
        Id = filter.Id;
        var mask = 0;
        if (filter.Levels is { Count: > 0 } levels)
        {
            foreach (var level in levels)
            {
                mask |= 1 << (int)level;
            }
        }
        else
        {
            mask = 0x7F;
        }

        if (filter.MinimumLevel is { } minimum)
        {
            for (var level = 0; level < (int)minimum; level++)
            {
                mask &= ~(1 << level);
            }
        }

        _levelMask = mask;
        _sources = filter.Sources is { Count: > 0 } sources ? sources.ToFrozenSet(StringComparer.OrdinalIgnoreCase) : null;
        _correlationIds = filter.CorrelationIds is { Count: > 0 } ids ? ids.ToFrozenSet(StringComparer.Ordinal) : null;
        _keywords = filter.Keywords is { Count: > 0 } keywords ? [.. keywords.Where(k => !string.IsNullOrEmpty(k))] : [];
        _allKeywords = filter.KeywordMatch == KeywordMatch.All;
        _fromTicks = filter.From?.UtcTicks ?? long.MinValue;
        _toTicks = filter.To?.UtcTicks ?? long.MaxValue;
        _properties = filter.Properties is { Count: > 0 } properties
            ? [.. properties.Select(p => new PropertyCondition(FieldOf(p.Key), p.Key, p.Value))]
            : [];
    }

    public string Id { get; }

    public bool Matches(LogEntryView entry)
    {
        if ((_levelMask & (1 << ((int)entry.Level & 7))) == 0)
        {
            return false;
        }

        if (_sources is not null && !_sources.Contains(entry.Source))
        {
            return false;
        }

        if (_correlationIds is not null && (entry.CorrelationId is null || !_correlationIds.Contains(entry.CorrelationId)))
        {
            return false;
        }

        var ticks = entry.TimestampTicks;
        if (ticks < _fromTicks || ticks >= _toTicks)
        {
            return false;
        }

        if (_keywords.Length > 0 && !MatchesKeywords(entry.Message))
        {
            return false;
        }

        foreach (var condition in _properties)
        {
            if (!MatchesProperty(entry, condition))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesKeywords(ReadOnlySpan<char> message)
    {
        foreach (var keyword in _keywords)
        {
            var found = message.Contains(keyword.AsSpan(), StringComparison.OrdinalIgnoreCase);
            if (found && !_allKeywords)
            {
                return true;
            }

            if (!found && _allKeywords)
            {
                return false;
            }
        }

        return _allKeywords;
    }

    private static bool MatchesProperty(LogEntryView entry, PropertyCondition condition)
    {
        var (field, key, expected) = condition;
        if (field != Field.None)
        {
            var value = ReadField(entry, field);
            return value is not null && (expected is null || string.Equals(value, expected, StringComparison.Ordinal));
        }

        for (var i = 0; i < entry.PropertyCount; i++)
        {
            if (string.Equals(entry.GetPropertyName(i), key, StringComparison.OrdinalIgnoreCase))
            {
                return expected is null || ValueEquals(entry.PeekPropertyValue(i), expected);
            }
        }

        if (entry.Metadata is { } metadata && metadata.TryGetValue(key, out var meta))
        {
            return expected is null || string.Equals(meta, expected, StringComparison.Ordinal);
        }

        return false;
    }

    private static Field FieldOf(string key) => key.ToUpperInvariant() switch
    {
        "CORRELATIONID" => Field.CorrelationId,
        "REQUESTID" => Field.RequestId,
        "USERID" => Field.UserId,
        "SESSIONID" => Field.SessionId,
        "OPERATIONTYPE" => Field.OperationType,
        "TRACEID" => Field.TraceId,
        "SPANID" => Field.SpanId,
        "CATEGORY" => Field.Category,
        "PROVIDER" => Field.Provider,
        "FALLBACK" => Field.Fallback,
        _ => Field.None,
    };

    private static string? ReadField(LogEntryView entry, Field field) => field switch
    {
        Field.CorrelationId => entry.CorrelationId,
        Field.RequestId => entry.RequestId,
        Field.UserId => entry.UserId,
        Field.SessionId => entry.SessionId,
        Field.OperationType => entry.OperationType,
        Field.TraceId => entry.TraceId,
        Field.SpanId => entry.SpanId,
        Field.Category => entry.Category,
        Field.Provider => entry.Provider,
        Field.Fallback => entry.Fallback,
        _ => null,
    };

    private static bool ValueEquals(object? value, string expected)
    {
        switch (value)
        {
            case null:
                return false;
            case string s:
                return string.Equals(s, expected, StringComparison.Ordinal);
            case bool b:
                return string.Equals(b ? "true" : "false", expected, StringComparison.OrdinalIgnoreCase);
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[64];
                return formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture)
                    && buffer[..written].SequenceEqual(expected);
            default:
                return false;
        }
    }

    private enum Field
    {
        None,
        CorrelationId,
        RequestId,
        UserId,
        SessionId,
        OperationType,
        TraceId,
        SpanId,
        Category,
        Provider,
        Fallback,
    }

    private readonly record struct PropertyCondition(Field Field, string Key, string? Expected);
}
