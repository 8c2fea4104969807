using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Equivalence;

/// <summary>A duration in milliseconds, expected written rounded to 3 decimals.</summary>
public sealed record Milliseconds(double Value);

/// <summary>A float, compared as the float its JSON text parses to (the writer uses the float's shortest text).</summary>
public sealed record Single(float Value);

/// <summary>An expected object: members in order.</summary>
public sealed class Obj : List<KeyValuePair<string, object?>>
{
    public void Set(string key, object? value) => Add(new(key, value));

    public bool Has(string key) => this.Any(p => p.Key == key);
}

/// <summary>
/// The test's own model of one JSON line, built only from what the call put in and the documented rules (the project
/// README and option docs): lifted well-known names, precedence, redaction, limits, text repair. It shares no code with
/// the view or the writer; the message comes from MEL's own formatter.
/// </summary>
public sealed class ExpectedLine
{
    public const string Truncated = "…[truncated]";
    public const string Redacted = "***";
    public const string DepthMarker = "[max depth]";
    private const int MaxNameLength = 256;
    private const int MaxIdLength = 256;

    private readonly Config _config;
    private readonly Obj _properties = [];
    private readonly Dictionary<string, object?> _fields = new(StringComparer.Ordinal);

    private ExpectedLine(Config config) => _config = config;

    public Obj Line { get; } = [];

    /// <summary>The timestamp window: the clock read just before and after the call.</summary>
    public (DateTimeOffset Before, DateTimeOffset After) Time { get; private set; }

    public static ExpectedLine Build(GeneratedCall call, Config config, string melMessage, CorrelationSnapshot? context, Exception? exception, (string Trace, string Span)? activity, (DateTimeOffset, DateTimeOffset) time)
    {
        var model = new ExpectedLine(config) { Time = time };
        return model.Fill(call, melMessage, context, exception, activity);
    }

    private ExpectedLine Fill(GeneratedCall call, string melMessage, CorrelationSnapshot? context, Exception? exception, (string Trace, string Span)? activity)
    {
        // Message values first: the call's own values are the most specific.
        foreach (var part in call.Parts.Where(p => p.Literal is null))
        {
            Offer(part.Name!, part.Value!.Value);
        }

        // Then the correlation context, then scopes innermost first (each only fills what is still empty).
        if (context is not null)
        {
            Fill("correlationId", context.CorrelationId is { } correlationId ? Repair(correlationId) : null);
            Fill("requestId", context.RequestId is { } requestId ? Repair(requestId) : null);
            Fill("userId", context.UserId is { } userId ? Repair(userId) : null);
            Fill("sessionId", context.SessionId is { } sessionId ? Repair(sessionId) : null);
            Fill("operationType", context.OperationType is { } operationType ? Repair(operationType) : null);
        }

        var plainScopes = new List<object?>();
        foreach (var scope in call.Scopes.Reverse())
        {
            if (scope.Pairs is { } pairs)
            {
                foreach (var (key, value) in pairs.Take(_config.MaxCollectionItems))
                {
                    Offer(key, value.Value);
                }
            }
            else if (scope.FormattedName is { } name)
            {
                Offer(name, scope.FormattedValue!.Value);
            }
            else
            {
                plainScopes.Insert(0, Text(scope.Plain!, _config.MaxPropertyLength));
            }
        }

        if (plainScopes.Count > 0 && !_properties.Has("scope") && _properties.Count < _config.MaxProperties)
        {
            _properties.Set("scope", plainScopes);
        }

        if (activity is { } ids)
        {
            // The Activity at the call is the authority on trace and span ids.
            _fields["traceId"] = ids.Trace;
            _fields["spanId"] = ids.Span;
        }

        if (!_fields.ContainsKey("correlationId") && _fields.TryGetValue("traceId", out var trace))
        {
            _fields["correlationId"] = trace;
        }

        Line.Set("level", call.Level switch
        {
            LogLevel.Trace => "TRACE",
            LogLevel.Debug => "DEBUG",
            LogLevel.Information => "INFO",
            LogLevel.Warning => "WARN",
            LogLevel.Error => "ERROR",
            _ => "CRITICAL",
        });
        Line.Set("source", Repair(SourceOf(call.Category)));
        Line.Set("category", Repair(call.Category));
        if (call.EventId != 0)
        {
            Line.Set("eventId", (long)call.EventId);
        }

        if (call.EventName is not null)
        {
            Line.Set("eventName", Repair(call.EventName));
        }

        Line.Set("message", Text(melMessage, _config.MaxMessageLength));
        Line.Set("messageTemplate", Text(call.Template, _config.MaxMessageLength));
        foreach (var field in new[] { "correlationId", "requestId", "userId", "sessionId", "traceId", "spanId", "operationType" })
        {
            if (_fields.TryGetValue(field, out var value))
            {
                Line.Set(field, value);
            }
        }

        if (_fields.TryGetValue("duration", out var duration))
        {
            Line.Set("duration", new Milliseconds((double)duration!));
        }

        if (exception is not null)
        {
            Line.Set("error", Error(exception, _fields.TryGetValue("errorCode", out var code) ? (string?)code : null));
        }

        var performance = new Obj();
        foreach (var (field, name) in new[] { ("latency", "latency"), ("throughput", "throughput"), ("errorRate", "errorRate") })
        {
            if (_fields.TryGetValue(field, out var number))
            {
                performance.Set(name, (double)number!);
            }
        }

        if (performance.Count > 0)
        {
            Line.Set("performance", performance);
        }

        var routing = new Obj();
        foreach (var (field, name) in new[] { ("provider", "provider"), ("fallback", "fallback"), ("reason", "reason") })
        {
            if (_fields.TryGetValue(field, out var text))
            {
                routing.Set(name, text);
            }
        }

        if (routing.Count > 0)
        {
            Line.Set("routing", routing);
        }

        if (_properties.Count > 0)
        {
            Line.Set("properties", _properties);
        }

        return this;
    }

    /// <summary>What the call's name/value pair becomes: a typed field, a property, or nothing (already set).</summary>
    private void Offer(string name, object? value)
    {
        var secret = IsSecret(name);
        var field = secret ? null : FieldOf(name);
        switch (field)
        {
            case "correlationId" or "requestId" or "userId" or "sessionId" or "operationType" or "traceId" or "spanId":
                Fill(field, Id(value));
                return;
            case "provider" or "fallback" or "reason":
                Fill(field, Id(value));
                return;
            case "duration" or "latency" or "throughput" or "errorRate" when _fields.ContainsKey(field):
                return; // a more specific value filled the field: this one is superseded, whatever it holds
            case "duration":
                if (Ms(value, forDuration: true) is { } ms)
                {
                    Fill(field, ms);
                    return;
                }

                break; // a value a duration cannot hold stays a property
            case "latency" or "throughput" or "errorRate":
                if (Ms(value, forDuration: false) is { } number)
                {
                    Fill(field, number);
                    return;
                }

                break;
            case "errorCode":
                Fill(field, Id(value)); // error.code, and the value stays a property too
                break;
        }

        var outputName = name.Length == 0 ? "_" : Text(name, MaxNameLength);
        if (_properties.Count >= _config.MaxProperties || _properties.Has(outputName))
        {
            return;
        }

        _properties.Set(outputName, secret ? Redacted : Value(value, 0));
    }

    private void Fill(string field, object? value)
    {
        if (value is not null)
        {
            _fields.TryAdd(field, value);
        }
    }

    public static bool IsSecret(string name) => CallGenerators.SecretNames.Contains(name);

    private static string? FieldOf(string name) => name.ToUpperInvariant() switch
    {
        "CORRELATIONID" => "correlationId",
        "REQUESTID" => "requestId",
        "USERID" => "userId",
        "SESSIONID" => "sessionId",
        "OPERATIONTYPE" => "operationType",
        "TRACEID" => "traceId",
        "SPANID" => "spanId",
        "DURATION" or "DURATIONMS" or "ELAPSEDMS" or "ELAPSEDMILLISECONDS" => "duration",
        "LATENCY" or "LATENCYMS" => "latency",
        "THROUGHPUT" => "throughput",
        "ERRORRATE" => "errorRate",
        "PROVIDER" or "ROUTINGPROVIDER" => "provider",
        "FALLBACK" or "FALLBACKPROVIDER" => "fallback",
        "ROUTINGREASON" or "FALLBACKREASON" => "reason",
        "ERRORCODE" => "errorCode",
        _ => null,
    };

    private static string? Id(object? value) => value switch
    {
        null => null,
        string s => Text(s, MaxIdLength),
        IFormattable f => Text(f.ToString(null, CultureInfo.InvariantCulture), MaxIdLength),
        _ => Text(value.ToString() ?? string.Empty, MaxIdLength),
    };

    /// <summary>Milliseconds from any number, a <see cref="TimeSpan"/> or numeric text; null when the field cannot hold it.</summary>
    private static double? Ms(object? value, bool forDuration)
    {
        if (value is TimeSpan span)
        {
            return span.TotalMilliseconds;
        }

        double? number = value switch
        {
            sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        if (number is not { } n || !double.IsFinite(n))
        {
            return null;
        }

        return forDuration && Math.Abs(n) > TimeSpan.MaxValue.TotalMilliseconds ? null : n;
    }

    /// <summary>A property value as the JSON layout documents it.</summary>
    private object? Value(object? value, int depth)
    {
        switch (value)
        {
            case null: return null;
            case string s: return Text(s, _config.MaxPropertyLength);
            case char c: return Text(c.ToString(), _config.MaxPropertyLength);
            case bool b: return b;
            case sbyte or byte or short or ushort or int or uint or long: return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong ul: return ul;
            case decimal m: return m;
            case float f: return float.IsFinite(f) ? new Single(f) : f.ToString(CultureInfo.InvariantCulture);
            case double d: return double.IsFinite(d) ? d : d.ToString(CultureInfo.InvariantCulture);
            case DateTime dt: return dt.ToString("O", CultureInfo.InvariantCulture);
            case DateTimeOffset dto: return dto.ToString("O", CultureInfo.InvariantCulture);
            case TimeSpan ts: return ts.ToString("c", CultureInfo.InvariantCulture);
            case Guid g: return g.ToString("D");
            case Enum e: return e.ToString();
        }

        if (depth >= _config.MaxPropertyDepth)
        {
            return DepthMarker;
        }

        if (value is IDictionary map)
        {
            var obj = new Obj();
            foreach (DictionaryEntry entry in map)
            {
                if (obj.Count == _config.MaxCollectionItems)
                {
                    obj.Set(Truncated, null); // a cut map ends with the marker as its last key
                    break;
                }

                var key = Text((string)entry.Key, MaxNameLength);
                obj.Set(key, IsSecret(key) ? Redacted : Value(entry.Value, depth + 1));
            }

            return obj;
        }

        var items = new List<object?>();
        foreach (var item in (IEnumerable)value)
        {
            if (items.Count == _config.MaxCollectionItems)
            {
                items.Add(Truncated);
                break;
            }

            items.Add(Value(item, depth + 1));
        }

        return items;
    }

    private static Obj Error(Exception exception, string? code)
    {
        var error = new Obj();
        error.Set("type", exception.GetType().FullName);
        error.Set("message", Text(exception.Message, 8192));
        if (exception.StackTrace is { } stack)
        {
            error.Set("stackTrace", Repair(stack));
        }

        error.Set("code", code ?? "0x" + exception.HResult.ToString("X8", CultureInfo.InvariantCulture));
        var inner = exception is AggregateException aggregate ? [.. aggregate.InnerExceptions] : exception.InnerException is { } one ? new List<Exception> { one } : [];
        if (inner.Count > 0)
        {
            error.Set("innerErrors", inner.Select(e => (object?)Error(e, null)).ToList());
        }

        return error;
    }

    /// <summary>The source name: the category's last dotted segment, generic arity or arguments cut off.</summary>
    public static string SourceOf(string category)
    {
        var segments = category.Split('.');
        var last = segments[^1].Length > 0 ? segments[^1] : category;
        var cut = last.IndexOfAny(['`', '<']);
        return cut > 0 ? last[..cut] : last;
    }

    /// <summary>Text cut to <paramref name="max"/> characters plus the marker when longer; lone surrogates become U+FFFD.</summary>
    public static string Text(string text, int max) => text.Length > max ? Repair(text[..max]) + Truncated : Repair(text);

    public static string Repair(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>The correlation ids in effect at the call (read from <see cref="CorrelationContext.Current"/>).</summary>
public sealed record CorrelationSnapshot(string CorrelationId, string? RequestId, string? UserId, string? SessionId, string? OperationType);
