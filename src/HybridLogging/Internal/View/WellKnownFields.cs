using System.Collections.Frozen;
using System.Globalization;

namespace HybridLogging.Internal;

/// <summary>The typed fields that well-known property names lift into.</summary>
internal enum WellKnownField
{
    None,
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

/// <summary>
/// Well-known property names (case-insensitive) and the conversions into their typed fields. A value a typed field
/// cannot hold (a non-finite number, a duration beyond <see cref="TimeSpan"/>, text that is not a number) is not lifted:
/// it stays a property under its own name, so nothing the call logged is lost or retyped.
/// </summary>
internal static class WellKnownFields
{
    /// <summary>The correlation names, also used by the facade's states so its ids lift exactly as an <c>ILogger</c> call's.</summary>
    public const string CorrelationId = "CorrelationId";

    /// <inheritdoc cref="CorrelationId"/>
    public const string RequestId = "RequestId";

    /// <inheritdoc cref="CorrelationId"/>
    public const string UserId = "UserId";

    /// <inheritdoc cref="CorrelationId"/>
    public const string SessionId = "SessionId";

    private const int MaxIdLength = 256;

    private static readonly FrozenDictionary<string, WellKnownField> Names = new Dictionary<string, WellKnownField>(StringComparer.OrdinalIgnoreCase)
    {
        [CorrelationId] = WellKnownField.CorrelationId,
        [RequestId] = WellKnownField.RequestId,
        [UserId] = WellKnownField.UserId,
        [SessionId] = WellKnownField.SessionId,
        ["OperationType"] = WellKnownField.OperationType,
        ["TraceId"] = WellKnownField.TraceId,
        ["SpanId"] = WellKnownField.SpanId,
        ["Duration"] = WellKnownField.Duration,
        ["DurationMs"] = WellKnownField.Duration,
        ["ElapsedMs"] = WellKnownField.Duration,
        ["ElapsedMilliseconds"] = WellKnownField.Duration,
        ["Latency"] = WellKnownField.Latency,
        ["LatencyMs"] = WellKnownField.Latency,
        ["Throughput"] = WellKnownField.Throughput,
        ["ErrorRate"] = WellKnownField.ErrorRate,
        ["Provider"] = WellKnownField.Provider,
        ["RoutingProvider"] = WellKnownField.Provider,
        ["Fallback"] = WellKnownField.Fallback,
        ["FallbackProvider"] = WellKnownField.Fallback,
        ["RoutingReason"] = WellKnownField.Reason,
        ["FallbackReason"] = WellKnownField.Reason,
        ["ErrorCode"] = WellKnownField.ErrorCode,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static WellKnownField Of(string key) => Names.TryGetValue(key, out var field) ? field : WellKnownField.None;

    /// <summary>Lifts <paramref name="value"/> into <paramref name="field"/> of the view unless already set; false when the field cannot hold it.</summary>
    public static bool TryLift(LogEntryView view, WellKnownField field, object? value)
    {
        switch (field)
        {
            case WellKnownField.CorrelationId:
                if (!view.HasCorrelationId)
                {
                    view.CorrelationId = AsId(value);
                }

                return true;
            case WellKnownField.RequestId:
                view.RequestId ??= AsId(value);
                return true;
            case WellKnownField.UserId:
                view.UserId ??= AsId(value);
                return true;
            case WellKnownField.SessionId:
                view.SessionId ??= AsId(value);
                return true;
            case WellKnownField.OperationType:
                view.OperationType ??= AsId(value);
                return true;
            case WellKnownField.TraceId:
                view.TraceId ??= AsId(value);
                return true;
            case WellKnownField.SpanId:
                view.SpanId ??= AsId(value);
                return true;
            case WellKnownField.Duration:
                if (view.DurationMs is not null)
                {
                    return true;
                }

                if (AsDurationMs(value) is not { } ms)
                {
                    return false;
                }

                view.DurationMs = ms;
                return true;
            case WellKnownField.Latency:
                if (view.LatencyMs is null)
                {
                    if (AsFinite(value) is not { } latency)
                    {
                        return false;
                    }

                    view.LatencyMs = latency;
                }

                return true;
            case WellKnownField.Throughput:
                if (view.Throughput is null)
                {
                    if (AsFinite(value) is not { } throughput)
                    {
                        return false;
                    }

                    view.Throughput = throughput;
                }

                return true;
            case WellKnownField.ErrorRate:
                if (view.ErrorRate is null)
                {
                    if (AsFinite(value) is not { } errorrate)
                    {
                        return false;
                    }

                    view.ErrorRate = errorrate;
                }

                return true;
            case WellKnownField.Provider:
                view.Provider ??= AsId(value);
                view.HasRouting |= view.Provider is not null;
                return true;
            case WellKnownField.Fallback:
                view.Fallback ??= AsId(value);
                view.HasRouting |= view.Fallback is not null;
                return true;
            case WellKnownField.Reason:
                view.RoutingReason ??= AsId(value);
                view.HasRouting |= view.RoutingReason is not null;
                return true;
            default:
                return false;
        }
    }

    public static string? AsId(object? value) => value switch
    {
        null => null,
        string s => ValueSnapshot.Sanitize(s, MaxIdLength),
        _ => ValueSnapshot.SafeToString(value, MaxIdLength),
    };

    /// <summary>A finite number, or null (the value then stays a property).</summary>
    public static double? AsFinite(object? value)
    {
        double? number = value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            ushort us => us,
            uint ui => ui,
            ulong ul => ul,
            decimal m => (double)m,
            TimeSpan t => t.TotalMilliseconds,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        return number is { } n && double.IsFinite(n) ? n : null;
    }

    /// <summary>Milliseconds that a <see cref="TimeSpan"/> can hold, or null.</summary>
    public static double? AsDurationMs(object? value)
    {
        if (value is TimeSpan span)
        {
            return span.TotalMilliseconds;
        }

        return AsFinite(value) is { } ms && Math.Abs(ms) <= TimeSpan.MaxValue.TotalMilliseconds ? ms : null;
    }
}
