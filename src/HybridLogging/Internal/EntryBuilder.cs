using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// Turns captured calls into <see cref="LogEntry"/> on the dispatcher thread: renders the message, snapshots and
/// redacts properties, lifts well-known names into typed fields. Single-threaded (reuses its scratch lists); never throws.
/// </summary>
internal sealed class EntryBuilder
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    // Well-known property names, matched case-insensitively without allocating (was key.ToUpperInvariant() per property).
    private static readonly FrozenDictionary<string, Field> WellKnown = new Dictionary<string, Field>(StringComparer.OrdinalIgnoreCase)
    {
        ["CorrelationId"] = Field.CorrelationId,
        ["RequestId"] = Field.RequestId,
        ["UserId"] = Field.UserId,
        ["SessionId"] = Field.SessionId,
        ["OperationType"] = Field.OperationType,
        ["TraceId"] = Field.TraceId,
        ["SpanId"] = Field.SpanId,
        ["Duration"] = Field.Duration,
        ["DurationMs"] = Field.Duration,
        ["ElapsedMs"] = Field.Duration,
        ["ElapsedMilliseconds"] = Field.Duration,
        ["Latency"] = Field.Latency,
        ["LatencyMs"] = Field.Latency,
        ["Throughput"] = Field.Throughput,
        ["ErrorRate"] = Field.ErrorRate,
        ["Provider"] = Field.Provider,
        ["RoutingProvider"] = Field.Provider,
        ["Fallback"] = Field.Fallback,
        ["FallbackProvider"] = Field.Fallback,
        ["RoutingReason"] = Field.Reason,
        ["FallbackReason"] = Field.Reason,
        ["ErrorCode"] = Field.ErrorCode,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly List<KeyValuePair<string, object?>> _properties = new(16);
    private const int MaxCachedKeys = 4096;

    private readonly List<object?> _plainScopes = new(4);
    private readonly List<string> _secrets = [];
    private readonly Dictionary<string, (string SafeKey, bool Redacted)> _keyCache = new(StringComparer.Ordinal);
    private PipelineSettings? _keyCacheSettings;
    private Fields _fields;

    public LogEntry Build(PendingEntry pending, PipelineSettings settings)
    {
        if (pending.Ready is { } ready)
        {
            return Sanitize(ready, settings);
        }

        _properties.Clear();
        _plainScopes.Clear();
        _secrets.Clear();
        _fields = default;

        string message;
        try
        {
            message = BoundedTemplateRenderer.TryRender(pending.GetStateValues(), settings.Limits.MaxItems, out var bounded)
                ? bounded
                : pending.RenderMessage() ?? string.Empty;
        }
        catch (Exception ex)
        {
            message = $"[message formatting failed: {ex.GetType().Name}]";
        }

        string? template = null;
        try
        {
            var values = pending.GetStateValues();
            if (values is IReadOnlyList<KeyValuePair<string, object?>> list)
            {
                // Indexed: no enumerator allocation (MEL's LoggerMessage states implement IReadOnlyList).
                for (var i = 0; i < list.Count; i++)
                {
                    var pair = list[i];
                    if (pair.Key == OriginalFormatKey)
                    {
                        template = pair.Value as string;
                        continue;
                    }

                    Apply(pair.Key, pair.Value, settings);
                }
            }
            else if (values is not null)
            {
                foreach (var pair in values)
                {
                    if (pair.Key == OriginalFormatKey)
                    {
                        template = pair.Value as string;
                        continue;
                    }

                    Apply(pair.Key, pair.Value, settings);
                }
            }
        }
        catch (Exception ex)
        {
            Add("stateError", $"[state enumeration failed: {ex.GetType().Name}]", settings);
        }

        if (pending.Correlation is { } correlation)
        {
            _fields.CorrelationId ??= correlation.CorrelationId;
            _fields.RequestId ??= correlation.RequestId;
            _fields.UserId ??= correlation.UserId;
            _fields.SessionId ??= correlation.SessionId;
            _fields.OperationType ??= correlation.OperationType;
        }

        var scopes = pending.Scopes;
        for (var i = scopes.Length - 1; i >= 0; i--)
        {
            // Innermost scope first, so it wins over outer ones; message properties win over all scopes.
            var scope = scopes[i];
            try
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        if (pair.Key != OriginalFormatKey)
                        {
                            Apply(pair.Key, pair.Value, settings);
                        }
                    }
                }
                else if (scope is not null)
                {
                    _plainScopes.Add(ValueSnapshot.SafeToString(scope, settings.Limits.MaxStringLength));
                }
            }
            catch (Exception ex)
            {
                _plainScopes.Add($"[scope enumeration failed: {ex.GetType().Name}]");
            }
        }

        if (_plainScopes.Count > 0)
        {
            _plainScopes.Reverse();
            Add("scope", _plainScopes.ToArray(), settings);
        }

        string? traceId = null;
        string? spanId = null;
        if (pending.HasActivity)
        {
            traceId = pending.TraceId.ToHexString();
            spanId = pending.SpanId.ToHexString();
        }
        else
        {
            traceId = _fields.ScopeTraceId;
            spanId = _fields.ScopeSpanId;
        }

        LogError? error = null;
        if (pending.Exception is { } exception)
        {
            error = ErrorCapture.Capture(exception, 4, _fields.ErrorCode);
        }

        return new LogEntry
        {
            Timestamp = new DateTimeOffset(pending.TimestampTicks, TimeSpan.Zero),
            Level = pending.Level,
            Category = pending.Category.Category,
            Source = pending.Category.Source,
            EventId = pending.EventId,
            Message = ValueSnapshot.Sanitize(ScrubSecrets(message), settings.MaxMessageLength),
            MessageTemplate = template is null ? null : ValueSnapshot.Sanitize(template, settings.MaxMessageLength),
            Properties = _properties.Count == 0 ? [] : _properties.ToArray(),
            CorrelationId = _fields.CorrelationId ?? traceId,
            RequestId = _fields.RequestId,
            UserId = _fields.UserId,
            SessionId = _fields.SessionId,
            TraceId = traceId,
            SpanId = spanId,
            OperationType = _fields.OperationType,
            Duration = _fields.Duration,
            Error = error,
            Performance = _fields.HasPerformance
                ? new PerformanceInfo { LatencyMs = _fields.Latency, Throughput = _fields.Throughput, ErrorRate = _fields.ErrorRate }
                : null,
            Routing = _fields.HasRouting
                ? new RoutingInfo { Provider = _fields.Provider, Fallback = _fields.Fallback, Reason = _fields.Reason }
                : null,
            Metadata = settings.Metadata,
        };
    }

    /// <summary>Applies redaction and limits to an entry written directly, so sinks never see unredacted values.</summary>
    private LogEntry Sanitize(LogEntry entry, PipelineSettings settings)
    {
        _properties.Clear();
        _secrets.Clear();
        foreach (var pair in entry.Properties)
        {
            Add(pair.Key, pair.Value, settings);
        }

        return new LogEntry
        {
            Timestamp = entry.Timestamp,
            Level = entry.Level,
            Category = entry.Category,
            Source = entry.Source,
            EventId = entry.EventId,
            Message = ValueSnapshot.Sanitize(ScrubSecrets(entry.Message ?? string.Empty), settings.MaxMessageLength),
            MessageTemplate = entry.MessageTemplate,
            Properties = _properties.Count == 0 ? [] : _properties.ToArray(),
            CorrelationId = entry.CorrelationId,
            RequestId = entry.RequestId,
            UserId = entry.UserId,
            SessionId = entry.SessionId,
            TraceId = entry.TraceId,
            SpanId = entry.SpanId,
            OperationType = entry.OperationType,
            Duration = entry.Duration,
            Error = entry.Error,
            Performance = entry.Performance,
            Routing = entry.Routing,
            Metadata = entry.Metadata ?? settings.Metadata,
        };
    }

    /// <summary>Whether the pipeline lifts a property of this name into a typed field (ids, duration, performance, routing).</summary>
    internal static bool IsWellKnown(string key) => WellKnown.ContainsKey(key);

    private void Apply(string? key, object? value, PipelineSettings settings)
    {
        if (string.IsNullOrEmpty(key))
        {
            return;
        }

        if (!WellKnown.TryGetValue(key, out var field))
        {
            Add(key, value, settings);
            return;
        }

        switch (field)
        {
            case Field.CorrelationId:
                _fields.CorrelationId ??= AsString(value);
                return;
            case Field.RequestId:
                _fields.RequestId ??= AsString(value);
                return;
            case Field.UserId:
                _fields.UserId ??= AsString(value);
                return;
            case Field.SessionId:
                _fields.SessionId ??= AsString(value);
                return;
            case Field.OperationType:
                _fields.OperationType ??= AsString(value);
                return;
            case Field.TraceId:
                _fields.ScopeTraceId ??= AsString(value);
                return;
            case Field.SpanId:
                _fields.ScopeSpanId ??= AsString(value);
                return;
            case Field.Duration:
                _fields.Duration ??= AsDuration(value);
                return;
            case Field.Latency:
                _fields.Latency ??= AsDouble(value);
                _fields.HasPerformance |= _fields.Latency is not null;
                return;
            case Field.Throughput:
                _fields.Throughput ??= AsDouble(value);
                _fields.HasPerformance |= _fields.Throughput is not null;
                return;
            case Field.ErrorRate:
                _fields.ErrorRate ??= AsDouble(value);
                _fields.HasPerformance |= _fields.ErrorRate is not null;
                return;
            case Field.Provider:
                _fields.Provider ??= AsString(value);
                _fields.HasRouting = true;
                return;
            case Field.Fallback:
                _fields.Fallback ??= AsString(value);
                _fields.HasRouting = true;
                return;
            case Field.Reason:
                _fields.Reason ??= AsString(value);
                _fields.HasRouting = true;
                return;
            case Field.ErrorCode:
                _fields.ErrorCode ??= AsString(value);
                break;
        }

        Add(key, value, settings);
    }

    private void Add(string key, object? value, PipelineSettings settings)
    {
        var (safeKey, redacted) = KeyInfo(key, settings);
        if (redacted)
        {
            // Collect the secret's text even when the property itself is not kept (limit, duplicate): the rendered
            // message may still contain it.
            ValueSnapshot.Redact(value, settings.Limits, _secrets);
        }

        if (_properties.Count >= settings.MaxProperties)
        {
            return;
        }

        foreach (var existing in _properties)
        {
            if (string.Equals(existing.Key, safeKey, StringComparison.Ordinal))
            {
                return; // the first (most specific) value wins
            }
        }

        var safeValue = redacted ? ValueSnapshot.RedactedMarker : ValueSnapshot.Take(value, settings.Limits, 0, _secrets);
        _properties.Add(new(safeKey, safeValue));
    }

    /// <summary>
    /// Replaces the text of redacted values in the rendered message. MEL renders template arguments into the message
    /// ("Login {User} {Password}" becomes "Login bob hunter2"), so redacting only the property would still hand the
    /// secret to every sink. Over-redaction (an unrelated occurrence of the same text) is the safe failure mode.
    /// </summary>
    private string ScrubSecrets(string message)
    {
        if (_secrets.Count == 0)
        {
            return message;
        }

        // Longest first, so a secret that contains another is replaced whole.
        _secrets.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        foreach (var secret in _secrets)
        {
            if (secret.Length > 0)
            {
                message = message.Replace(secret, ValueSnapshot.RedactedMarker, StringComparison.Ordinal);
            }
        }

        return message;
    }

    /// <summary>
    /// Sanitized key and redaction verdict, cached per key for the settings in force: property names repeat from call to
    /// call, and the redaction check is a case-insensitive substring search per redacted word.
    /// </summary>
    internal (string SafeKey, bool Redacted) KeyInfo(string key, PipelineSettings settings)
    {
        if (!ReferenceEquals(_keyCacheSettings, settings))
        {
            _keyCache.Clear();
            _keyCacheSettings = settings;
        }

        if (_keyCache.TryGetValue(key, out var info))
        {
            return info;
        }

        var safeKey = ValueSnapshot.Sanitize(key, 256);
        info = (safeKey, settings.IsRedacted(safeKey));
        if (_keyCache.Count >= MaxCachedKeys)
        {
            _keyCache.Clear(); // bounded: dynamic keys must not grow the cache without limit
        }

        _keyCache[key] = info;
        return info;
    }

    private static string? AsString(object? value) => value switch
    {
        null => null,
        string s => ValueSnapshot.Sanitize(s, 256),
        _ => ValueSnapshot.SafeToString(value, 256),
    };

    private static double? AsDouble(object? value)
    {
        switch (value)
        {
            case double d: return d;
            case float f: return f;
            case int i: return i;
            case long l: return l;
            case decimal m: return (double)m;
            case TimeSpan t: return t.TotalMilliseconds;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return parsed;
            case IConvertible c:
                try
                {
                    return c.ToDouble(CultureInfo.InvariantCulture);
                }
                catch (Exception)
                {
                    return null;
                }

            default: return null;
        }
    }

    private static TimeSpan? AsDuration(object? value)
    {
        if (value is TimeSpan span)
        {
            return span;
        }

        return AsDouble(value) is { } ms && double.IsFinite(ms) && Math.Abs(ms) < TimeSpan.MaxValue.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : null;
    }

    private enum Field
    {
        CorrelationId,
        RequestId,
        UserId,
        SessionId,
        OperationType,
        TraceId,
        SpanId,
        Duration,
        Latency,
        Throughput,
        ErrorRate,
        Provider,
        Fallback,
        Reason,
        ErrorCode,
    }

    private struct Fields
    {
        public string? CorrelationId;
        public string? RequestId;
        public string? UserId;
        public string? SessionId;
        public string? OperationType;
        public string? ScopeTraceId;
        public string? ScopeSpanId;
        public TimeSpan? Duration;
        public double? Latency;
        public double? Throughput;
        public double? ErrorRate;
        public bool HasPerformance;
        public string? Provider;
        public string? Fallback;
        public string? Reason;
        public bool HasRouting;
        public string? ErrorCode;
    }
}
