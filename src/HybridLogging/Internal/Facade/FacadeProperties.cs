using System.Collections;
using System.Globalization;
using System.Text;

namespace HybridLogging.Internal;

/// <summary>
/// The state of a facade call with properties: the call's fixed values (correlation ids, or a performance or routing
/// entry's template values, in template order), then the metadata, then the template when there is one. It reads as
/// the state of an <c>ILogger</c> call with the same names, so the pipeline treats both alike: well-known names lift
/// into typed fields, mutable metadata values are snapshotted at the call, the message renders from the template.
/// </summary>
internal readonly struct FacadeProperties : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>As many values as the pipeline reads from one state; metadata beyond that is not copied.</summary>
    public const int MaxValues = 256;

    private const string OriginalFormat = "{OriginalFormat}";

    // The templates of the [LoggerMessage] extensions as composite formats ("{0} completed in {1} ms"), derived from
    // them so the text exists once.
    private static readonly CompositeFormat PerformanceFormat = Composite(HybridLoggerExtensions.PerformanceTemplate);
    private static readonly CompositeFormat RoutingFormat = Composite(HybridLoggerExtensions.RoutingTemplate);

    /// <summary>Renders the message. The pipeline renders templates itself; this is its fallback and MEL's contract.</summary>
    public static readonly Func<FacadeProperties, Exception?, string> Format = static (state, _) => state.Render();

    private readonly KeyValuePair<string, object?>[] _pairs;
    private readonly string? _message;
    private readonly Kind _kind;

    private FacadeProperties(KeyValuePair<string, object?>[] pairs, string? message, Kind kind)
    {
        _pairs = pairs;
        _message = message;
        _kind = kind;
    }

    private enum Kind : byte
    {
        Text,
        Performance,
        Routing,
    }

    public int Count => _pairs.Length;

    public KeyValuePair<string, object?> this[int index] => _pairs[index];

    /// <summary>A free-text message with correlation ids (null ones left out) and metadata.</summary>
    public static FacadeProperties Text(string message, string? correlationId, string? requestId, string? userId, string? sessionId, IReadOnlyDictionary<string, object?> metadata) =>
        Build(
            [
                new(WellKnownFields.CorrelationId, correlationId),
                new(WellKnownFields.RequestId, requestId),
                new(WellKnownFields.UserId, userId),
                new(WellKnownFields.SessionId, sessionId),
            ],
            metadata,
            message,
            Kind.Text);

    /// <summary>A performance entry: the values of <see cref="HybridLoggerExtensions.PerformanceTemplate"/>, then metadata.</summary>
    public static FacadeProperties Performance(string operationType, double durationMs, IReadOnlyDictionary<string, object?> metadata) =>
        Build([new("OperationType", operationType), new("DurationMs", durationMs)], metadata, null, Kind.Performance);

    /// <summary>A routing entry: the values of <see cref="HybridLoggerExtensions.RoutingTemplate"/>, then metadata.</summary>
    public static FacadeProperties Routing(string provider, bool fallbackUsed, string reason, IReadOnlyDictionary<string, object?> metadata) =>
        Build([new("Provider", provider), new("FallbackUsed", fallbackUsed), new("RoutingReason", reason)], metadata, null, Kind.Routing);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Render();

    /// <summary>The state: the call's own values (null ids of free-text calls left out), metadata, then the template.</summary>
    private static FacadeProperties Build(ReadOnlySpan<KeyValuePair<string, object?>> fixedPairs, IReadOnlyDictionary<string, object?> metadata, string? message, Kind kind)
    {
        var template = kind switch
        {
            Kind.Performance => HybridLoggerExtensions.PerformanceTemplate,
            Kind.Routing => HybridLoggerExtensions.RoutingTemplate,
            _ => null,
        };

        var room = MaxValues - fixedPairs.Length - 1;
        var pairs = new KeyValuePair<string, object?>[fixedPairs.Length + Math.Clamp(metadata.Count, 0, room) + (template is null ? 0 : 1)];
        var count = 0;
        foreach (var pair in fixedPairs)
        {
            if (kind != Kind.Text || pair.Value is not null)
            {
                pairs[count++] = pair;
            }
        }

        var end = pairs.Length - (template is null ? 0 : 1);
        foreach (var (key, value) in metadata)
        {
            if (count == end)
            {
                break; // bounded, and a dictionary that grew while being read cannot overrun the array
            }

            // A metadata key may not shadow a fixed value or the template: the entry's fields and message come from
            // those, and a name twice would make the template's holes ambiguous.
            if (key is null || key == OriginalFormat || IsFixed(fixedPairs, key))
            {
                continue;
            }

            pairs[count++] = new(key, value);
        }

        if (template is not null)
        {
            pairs[count++] = new(OriginalFormat, template);
        }

        if (count != pairs.Length)
        {
            Array.Resize(ref pairs, count);
        }

        return new FacadeProperties(pairs, message, kind);
    }

    private static bool IsFixed(ReadOnlySpan<KeyValuePair<string, object?>> fixedPairs, string key)
    {
        foreach (var pair in fixedPairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message: the free text, or the template with its values (invariant culture, as MEL renders).</summary>
    private string Render() => _kind switch
    {
        Kind.Performance => string.Format(CultureInfo.InvariantCulture, PerformanceFormat, _pairs[0].Value, _pairs[1].Value),
        Kind.Routing => string.Format(CultureInfo.InvariantCulture, RoutingFormat, _pairs[0].Value, _pairs[1].Value, _pairs[2].Value),
        _ => _message ?? string.Empty,
    };

    /// <summary>A message template whose holes are plain names (no braces escaped, no format) as a composite format.</summary>
    private static CompositeFormat Composite(string template)
    {
        var text = new StringBuilder(template.Length);
        var hole = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                i = template.IndexOf('}', i);
                text.Append('{').Append(hole++.ToString(CultureInfo.InvariantCulture)).Append('}');
            }
            else
            {
                text.Append(template[i]);
            }
        }

        return CompositeFormat.Parse(text.ToString());
    }
}
