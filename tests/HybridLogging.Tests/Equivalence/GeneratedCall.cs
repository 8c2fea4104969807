using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Equivalence;

/// <summary>A value put into a log call, with the coverage category it stands for.</summary>
public sealed record Val(object? Value, string Kind)
{
    public override string ToString() => $"{Kind}:{Show(Value)}";

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 40 ? $"\"{s[..40]}…\"(len {s.Length})" : $"\"{s}\"",
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>One part of a template: literal text (unescaped) or a hole with its name, value and optional alignment/format.</summary>
public sealed record Part(string? Literal, string? Name, Val? Value, string? Spec);

/// <summary>A scope: key/value pairs (a dictionary), a plain string, or a formatted scope (<c>BeginScope("… {Name}", v)</c>).</summary>
public sealed record ScopeSpec(IReadOnlyList<KeyValuePair<string, Val>>? Pairs, string? Plain, string? FormattedName, Val? FormattedValue);

/// <summary>The ids passed to <c>CorrelationContext.Begin</c> (one or two nested contexts).</summary>
public sealed record ContextSpec(string? CorrelationId, string? RequestId, string? UserId, string? SessionId, string? OperationType);

/// <summary>An exception to log: its shape and message.</summary>
public sealed record ErrorSpec(string Shape, string Message, bool Thrown);

/// <summary>Which options the host runs with: the defaults, or tight limits that generated calls hit often.</summary>
public sealed record Config(string Name, int MaxMessageLength, int MaxPropertyLength, int MaxProperties, int MaxCollectionItems, int MaxPropertyDepth)
{
    public static readonly Config Defaults = new("defaults", 32 * 1024, 8 * 1024, 64, 100, 4);
    public static readonly Config Tight = new("tight", 120, 24, 5, 3, 2);

    public override string ToString() => Name;
}

/// <summary>One generated log call: everything the call puts in.</summary>
public sealed record GeneratedCall(
    LogLevel Level,
    string Category,
    int EventId,
    string? EventName,
    IReadOnlyList<Part> Parts,
    ErrorSpec? Error,
    IReadOnlyList<ContextSpec> Contexts,
    IReadOnlyList<ScopeSpec> Scopes,
    bool WithActivity)
{
    /// <summary>The template as passed to MEL: literal braces doubled, holes as written.</summary>
    public string Template => string.Concat(Parts.Select(p => p.Literal is { } literal
        ? literal.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
        : "{" + p.Name + p.Spec + "}"));

    public object?[] Arguments => [.. Parts.Where(p => p.Literal is null).Select(p => p.Value!.Value)];

    public override string ToString() =>
        $"{Level} [{Category}] ev={EventId}/{EventName} template=\"{Template}\" args=[{string.Join(", ", Parts.Where(p => p.Literal is null).Select(p => p.Name + "=" + p.Value))}] " +
        $"error={Error} contexts=[{string.Join("; ", Contexts)}] scopes=[{string.Join("; ", Scopes.Select(s => s.Plain ?? s.FormattedName ?? string.Join(",", s.Pairs!.Select(p => p.Key + "=" + p.Value))))}] activity={WithActivity}";
}

/// <summary>A batch of calls logged through one host with one configuration.</summary>
public sealed record CallBatch(Config Config, IReadOnlyList<GeneratedCall> Calls)
{
    // Short: a failure names the failing call itself (in full) in its message.
    public override string ToString() => $"{Calls.Count} calls, {Config} limits";
}

public enum Colour
{
    Red,
    Green,
    Blue,
}

/// <summary>FsCheck generators for log calls covering every category the equivalence property checks.</summary>
public static class CallGenerators
{
    public const int CallsPerBatch = 20;

    /// <summary>Names the model treats as secrets (default redacted names and forms of them).</summary>
    public static readonly string[] SecretNames = ["Password", "ApiKey", "Token", "Authorization", "ConnectionString", "ClientSecret", "AccessToken", "DbPassword", "api_key"];

    /// <summary>Names that only look like secrets (describe one, or are a non-secret kind of token).</summary>
    public static readonly string[] LookAlikeNames = ["TokenCount", "PasswordPolicy", "HasPassword", "CancellationToken"];

    public static readonly string[] PlainNames = ["OrderId", "Customer", "Amount", "Count", "Item", "Note", "Values", "Map", "Flag"];

    public static readonly string[] IdNames = ["RequestId", "CorrelationId", "UserId", "SessionId", "OperationType", "requestid", "USERID"];

    public static readonly string[] DurationNames = ["Duration", "DurationMs", "ElapsedMs", "ElapsedMilliseconds", "durationms"];

    public static readonly string[] PerformanceNames = ["Latency", "LatencyMs", "Throughput", "ErrorRate"];

    public static readonly string[] RoutingNames = ["Provider", "RoutingProvider", "Fallback", "FallbackProvider", "RoutingReason", "FallbackReason"];

    public static readonly string[] TraceNames = ["TraceId", "SpanId"];

    private static readonly Gen<char> HostileChar = Gen.Frequency(
        (8, Gen.Choose(0x20, 0x7E).Select(i => (char)i)),
        (3, Gen.Choose(0x00, 0x1F).Select(i => (char)i)),
        (3, Gen.Elements('"', '\\', '/', '\u007F', '\u2028', '\u2029', '\uFEFF', '\u001B', 'é', '€')),
        (2, Gen.Choose(0xD800, 0xDFFF).Select(i => (char)i)),
        (2, Gen.Choose(0x80, 0xD7FF).Select(i => (char)i)));

    private static readonly Gen<string> Pieces = Gen.Elements("😀", "\u001B[31mred\u001B[0m", "line1\nline2\r\n", "tab\there", "\"quoted\"", "back\\slash", "日本語", "e\u0301", "\uD83D", "\uDE00x", "{", "}", "{{x}}", "<script>");

    private static Gen<string> ShortText(int max) => Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(HostileChar, n)).Select(c => new string(c));

    /// <summary>Short hostile text: control characters, quotes, backslashes, lone surrogates, ANSI escapes, emoji.</summary>
    public static readonly Gen<string> Hostile = Gen.Frequency(
        (5, ShortText(16)),
        (3, from a in ShortText(6) from piece in Pieces from b in ShortText(6) select a + piece + b),
        (1, Gen.Elements("plain", "ascii only", string.Empty)));

    /// <summary>Text beyond the default limits (property 8,192, message 32,768).</summary>
    public static readonly Gen<string> Long = Gen.Zip(Hostile, Gen.Choose(9_000, 40_000))
        .Select(t => string.Concat(Enumerable.Repeat(t.Item1.Length == 0 ? "ab\uD800" : t.Item1, t.Item2 / Math.Max(1, t.Item1.Length) + 1)));

    /// <summary>Short text without lone surrogates, for collection items (kept whole in messages and properties).</summary>
    private static readonly Gen<string> ItemText = Gen.Elements("a", "b c", "x\"y", "back\\", "tab\t", "日本", "😀", "(null)", string.Empty);

    private static readonly Gen<Val> Scalar = Gen.OneOf(
        Gen.Constant(new Val(null, "null")),
        ArbMap.Default.GeneratorFor<bool>().Select(v => new Val(v, "bool")),
        ArbMap.Default.GeneratorFor<sbyte>().Select(v => new Val(v, "sbyte")),
        ArbMap.Default.GeneratorFor<byte>().Select(v => new Val(v, "byte")),
        ArbMap.Default.GeneratorFor<short>().Select(v => new Val(v, "short")),
        ArbMap.Default.GeneratorFor<ushort>().Select(v => new Val(v, "ushort")),
        ArbMap.Default.GeneratorFor<int>().Select(v => new Val(v, "int")),
        ArbMap.Default.GeneratorFor<uint>().Select(v => new Val(v, "uint")),
        Gen.Elements(long.MinValue, long.MaxValue, 0L, 1L << 53, -42L).Select(v => new Val(v, "long")),
        Gen.Elements(ulong.MaxValue, 0UL, 1UL << 63).Select(v => new Val(v, "ulong")),
        Gen.Elements(1.5f, -0.1f, float.MaxValue, float.Epsilon, 3.4028235E+38f, 16777217f).Select(v => new Val(v, "float")),
        Gen.Elements(float.NaN, float.PositiveInfinity, float.NegativeInfinity).Select(v => new Val(v, "float-nonfinite")),
        ArbMap.Default.GeneratorFor<NormalFloat>().Select(v => new Val(v.Get, "double")),
        Gen.Elements(0.1, 1e300, -1e-300, double.MaxValue, double.Epsilon, -0.0).Select(v => new Val(v, "double")),
        Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity).Select(v => new Val(v, "double-nonfinite")),
        Gen.Elements(0m, 1.10m, -79228162514264337593543950335m, 0.0000000000000000000000000001m).Select(v => new Val(v, "decimal")),
        Gen.Elements(new DateTime(2024, 2, 29, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(1234), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), DateTime.MinValue, DateTime.MaxValue)
            .Select(v => new Val(v, "DateTime")),
        Gen.Elements(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(5.5)).AddTicks(7), DateTimeOffset.MinValue, DateTimeOffset.MaxValue)
            .Select(v => new Val(v, "DateTimeOffset")),
        Gen.Elements(TimeSpan.Zero, TimeSpan.FromMilliseconds(1234.5678), TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromDays(-1.5))
            .Select(v => new Val(v, "TimeSpan")),
        Gen.Fresh(() => new Val(Guid.NewGuid(), "Guid")),
        Gen.Elements(Colour.Red, Colour.Blue, (Colour)7, (Colour)(-1)).Select(v => new Val(v, "enum")),
        Gen.Elements('x', '"', '\n', '\uD800').Select(v => new Val(v, "char")),
        Hostile.Select(v => new Val(v, "string")));

    private static readonly Gen<object?> ItemScalar = Gen.OneOf(
        ItemText.Select(s => (object?)s),
        Gen.Choose(-1000, 1000).Select(i => (object?)i),
        Gen.Elements<object?>(null, true, 2.5, 7L, Colour.Green));

    /// <summary>Lists and dictionaries of scalars (fit for a message hole: MEL renders their items).</summary>
    private static readonly Gen<Val> FlatCollection = Gen.OneOf(
        Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(ItemScalar, n)).Select(l => new Val(new List<object?>(l), "list")),
        Gen.Choose(101, 130).SelectMany(n => Gen.ListOf(ItemScalar, n)).Select(l => new Val(new List<object?>(l), "list-over-limit")),
        Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(ItemScalar, n)).Select(l => new Val(new[] { 1, 2, 3 }.Concat(l.OfType<int>()).ToArray(), "int-array")),
        Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.Elements(PlainNames.Concat(SecretNames).ToArray()), ItemScalar), n))
            .Select(pairs => new Val(ToDictionary(pairs.Select(p => new KeyValuePair<string, object?>(p.Item1, p.Item2))), "dictionary")));

    private static Gen<object?> NestedValue(int depth) => depth == 0
        ? ItemScalar
        : Gen.Frequency(
            (2, ItemScalar),
            (2, Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(NestedValue(depth - 1), n)).Select(l => (object?)new List<object?>(l))),
            (2, Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.OneOf(Gen.Elements(PlainNames.Concat(SecretNames).ToArray()), Hostile), NestedValue(depth - 1)), n))
                .Select(pairs => (object?)ToDictionary(pairs.Select(p => new KeyValuePair<string, object?>(p.Item1, p.Item2))))));

    /// <summary>Nested lists and dictionaries, deep enough to pass the depth limit (for scope values).</summary>
    private static readonly Gen<Val> Nested = Gen.Choose(1, 6)
        .SelectMany(d => Gen.ListOf(NestedValue(d), 2).Select(l => new Val(new List<object?> { l[0], new Dictionary<string, object?> { ["inner"] = l[1] } }, "nested")));

    private static readonly Gen<Val> MessageValue = Gen.Frequency((10, Scalar), (3, FlatCollection), (1, Long.Select(s => new Val(s, "long-string"))));

    private static readonly Gen<Val> IdValue = Gen.Frequency(
        (5, Hostile.Select(s => new Val(s, "id-string"))),
        (2, Gen.Fresh(() => new Val(Guid.NewGuid(), "id-guid"))),
        (1, Gen.Choose(1, 99999).Select(i => new Val(i, "id-int"))),
        (1, Gen.Constant(new Val(null, "id-null"))),
        (1, Gen.Constant(new Val(new string('r', 300), "id-long"))));

    private static readonly Gen<Val> NumberValue = Gen.OneOf(
        Gen.Elements(0.0, 1.23456, 12.0005, 1234.56789, -3.5, 0.0625, 5e-4, 1e9 + 0.0004999).Select(v => new Val(v, "number-double")),
        Gen.Choose(-5000, 5000).Select(v => new Val(v, "number-int")),
        Gen.Elements(7L, long.MaxValue).Select(v => new Val(v, "number-long")),
        Gen.Elements(2.5f, 0.1f).Select(v => new Val(v, "number-float")),
        Gen.Elements(12.3456m, 0.0005m).Select(v => new Val(v, "number-decimal")),
        Gen.Elements((ushort)7, (ushort)65535).Select(v => new Val(v, "number-ushort")),
        Gen.Elements((sbyte)-3, (sbyte)100).Select(v => new Val(v, "number-sbyte")),
        Gen.Elements(TimeSpan.FromMilliseconds(1234.5678), TimeSpan.FromTicks(1), TimeSpan.MaxValue).Select(v => new Val(v, "number-timespan")),
        Gen.Elements("12.75", "-0.5", "1e3").Select(v => new Val(v, "number-string")),
        Gen.Elements("abc", "12 ms").Select(v => new Val(v, "number-text")),
        Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity).Select(v => new Val(v, "number-nonfinite")),
        Gen.Elements(1e300, -1e300, 1e18).Select(v => new Val(v, "number-huge")),
        Gen.Constant(new Val(null, "number-null")));

    /// <summary>A name and a value fit for it.</summary>
    private static readonly Gen<(string Name, Val Value)> Named = Gen.Frequency(
        (8, Gen.Zip(Gen.Elements(PlainNames), MessageValue)),
        (3, Gen.Zip(Gen.Elements(SecretNames), MessageValue)),
        (1, Gen.Zip(Gen.Elements(LookAlikeNames), Hostile.Select(s => new Val(s, "string")))),
        (3, Gen.Zip(Gen.Elements(IdNames), IdValue)),
        (3, Gen.Zip(Gen.Elements(DurationNames), NumberValue)),
        (3, Gen.Zip(Gen.Elements(PerformanceNames), NumberValue)),
        (3, Gen.Zip(Gen.Elements(RoutingNames), IdValue)),
        (1, Gen.Zip(Gen.Elements(TraceNames), IdValue)),
        (1, Gen.Zip(Gen.Constant("ErrorCode"), IdValue)));

    /// <summary>An alignment or a format the value's type accepts (an invalid one makes MEL throw, which the core documents it does not).</summary>
    private static Gen<string?> SpecFor(object? value) => Gen.Frequency(
        (6, Gen.Constant<string?>(null)),
        (1, value switch
        {
            sbyte or byte or short or ushort or int or uint or long or ulong => Gen.Elements<string?>(",8", ",-6", ":X", ":F2", ",10:N1"),
            float or double or decimal => Gen.Elements<string?>(",8", ":F2", ",10:N1"),
            DateTime or DateTimeOffset => Gen.Elements<string?>(",8", ":yyyy-MM-dd"),
            _ => Gen.Elements<string?>(",8", ",-6"),
        }));

    private static readonly Gen<Part> Hole = Named.SelectMany(n => SpecFor(n.Value.Value).Select(spec => new Part(null, n.Name, n.Value, spec)));

    private static readonly Gen<Part> LiteralPart = Gen.Frequency((12, Hostile), (1, Long)).Select(s => new Part(s, null, null, null));

    private static readonly Gen<IReadOnlyList<Part>> Parts = Gen.Frequency(
        (1, LiteralPart.Select(p => (IReadOnlyList<Part>)[p])),
        (8, Gen.Choose(1, 8).SelectMany(n => Gen.ListOf(Gen.Frequency((3, Hole), (2, LiteralPart)), n)).Select(l => (IReadOnlyList<Part>)[.. l])));

    private static readonly Gen<ScopeSpec> Scope = Gen.Frequency(
        (3, Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Gen.Frequency((6, Named), (1, Gen.Zip(Hostile, Hostile.Select(s => new Val(s, "string")))), (2, Gen.Zip(Gen.Elements(PlainNames), Nested))), n))
            .Select(l => new ScopeSpec([.. l.Select(p => new KeyValuePair<string, Val>(p.Item1, p.Item2))], null, null, null))),
        (2, Gen.Frequency((6, Hostile), (1, Long)).Select(s => new ScopeSpec(null, s, null, null))),
        (1, Named.Select(n => new ScopeSpec(null, null, n.Name, n.Value))));

    private static readonly Gen<string?> OptionalId = Gen.Frequency((2, Gen.Constant<string?>(null)), (3, Hostile.Select(s => (string?)s)));

    private static readonly Gen<ContextSpec> Context =
        from c in OptionalId
        from r in OptionalId
        from u in OptionalId
        from s in OptionalId
        from o in OptionalId
        select new ContextSpec(c, r, u, s, o);

    private static readonly Gen<ErrorSpec?> Error = Gen.Frequency(
        (3, Gen.Constant<ErrorSpec?>(null)),
        (2, from shape in Gen.Elements("plain", "inner", "aggregate", "custom-hresult")
            from message in Gen.Frequency((8, Hostile), (1, Long))
            from thrown in ArbMap.Default.GeneratorFor<bool>()
            select (ErrorSpec?)new ErrorSpec(shape, message, thrown)));

    private static readonly Gen<string> Category = Gen.Frequency(
        (4, Gen.Elements("App.Orders.OrderService", "Generic`1", "App.Repo<Order>", "NoDots", "Trailing.", ".Leading", "Microsoft.AspNetCore.Hosting.Diagnostics")),
        (1, Hostile.Where(s => s.Length > 0)));

    private static readonly Gen<GeneratedCall> Call =
        from level in Gen.Elements(LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical)
        from category in Category
        from eventId in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(-5, 100000)))
        from eventName in Gen.Frequency((2, Gen.Constant<string?>(null)), (1, Hostile.Select(s => (string?)s)))
        from parts in Parts
        from error in Error
        from contexts in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2))).SelectMany(n => Gen.ListOf(Context, n))
        from scopes in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 3))).SelectMany(n => Gen.ListOf(Scope, n))
        from activity in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new GeneratedCall(level, category, eventId, eventName, parts, error, [.. contexts], [.. scopes], activity);

    public static readonly Gen<CallBatch> Batch =
        from config in Gen.Frequency((2, Gen.Constant(Config.Defaults)), (1, Gen.Constant(Config.Tight)))
        from calls in Gen.ListOf(Call, CallsPerBatch)
        select new CallBatch(config, [.. calls]);

    public static Arbitrary<CallBatch> Batches() => Batch.ToArbitrary();

    /// <summary>The coverage categories one call exercises (for the guard that the generator reaches all of them).</summary>
    public static IEnumerable<string> CategoriesOf(GeneratedCall call, Config config)
    {
        yield return "config:" + config.Name;
        yield return "level:" + call.Level;
        if (call.EventId != 0)
        {
            yield return "eventId";
        }

        if (call.EventName is not null)
        {
            yield return "eventName";
        }

        var text = call.Template + call.Category + call.EventName + string.Concat(call.Scopes.Select(s => s.Plain));
        foreach (var (name, hit) in HostileCategories(text))
        {
            if (hit)
            {
                yield return name;
            }
        }

        if (call.Parts.Count == 1 && call.Parts[0].Literal is not null)
        {
            yield return "template-without-holes";
        }

        var values = call.Parts.Where(p => p.Literal is null).Select(p => (p.Name!, p.Value!))
            .Concat(call.Scopes.SelectMany(s => s.Pairs?.Select(p => (p.Key, p.Value)) ?? (s.FormattedName is { } n ? [(n, s.FormattedValue!)] : [])));
        foreach (var (name, value) in values)
        {
            yield return "value:" + value.Kind;
            yield return "name:" + (SecretNames.Contains(name) ? "secret" : LookAlikeNames.Contains(name) ? "look-alike"
                : IdNames.Contains(name) ? "id" : DurationNames.Contains(name) ? "duration" : PerformanceNames.Contains(name) ? "performance"
                : RoutingNames.Contains(name) ? "routing" : TraceNames.Contains(name) ? "trace" : name == "ErrorCode" ? "error-code"
                : PlainNames.Contains(name) ? "plain" : "hostile");
        }

        if (call.Parts.Any(p => p.Spec is not null))
        {
            yield return "hole-format";
        }

        if (call.Template.Length > config.MaxMessageLength)
        {
            yield return "limit:message";
        }

        if (call.Parts.Count(p => p.Literal is null) + call.Scopes.Sum(s => s.Pairs?.Count ?? 0) > config.MaxProperties)
        {
            yield return "limit:properties";
        }

        if (values.Any(v => v.Item2.Value is string s && s.Length > config.MaxPropertyLength))
        {
            yield return "limit:property-length";
        }

        if (values.Any(v => v.Item2.Value is System.Collections.ICollection c && c.Count > config.MaxCollectionItems))
        {
            yield return "limit:collection-items";
        }

        if (call.Error is { } error)
        {
            yield return "error:" + error.Shape + (error.Thrown ? "+thrown" : string.Empty);
        }

        yield return "contexts:" + call.Contexts.Count;
        foreach (var scope in call.Scopes)
        {
            yield return scope.Pairs is not null ? "scope:pairs" : scope.Plain is not null ? "scope:plain" : "scope:formatted";
        }

        if (call.Scopes.Count >= 2)
        {
            yield return "scope:nested";
        }

        if (call.WithActivity)
        {
            yield return "activity";
        }
    }

    private static IEnumerable<(string, bool)> HostileCategories(string text)
    {
        yield return ("hostile:control", text.Any(c => c < 0x20 && c != '\n' && c != '\u001B'));
        yield return ("hostile:newline", text.Contains('\n', StringComparison.Ordinal));
        yield return ("hostile:quote", text.Contains('"', StringComparison.Ordinal));
        yield return ("hostile:backslash", text.Contains('\\', StringComparison.Ordinal));
        yield return ("hostile:ansi", text.Contains('\u001B', StringComparison.Ordinal));
        yield return ("hostile:non-ascii", text.Any(c => c > 0x7F && !char.IsSurrogate(c)));
        yield return ("hostile:emoji", text.Contains("😀", StringComparison.Ordinal));
        yield return ("hostile:lone-surrogate", HasLoneSurrogate(text));
        yield return ("hostile:braces", text.Contains("{{", StringComparison.Ordinal));
    }

    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, object?> ToDictionary(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            map.TryAdd(key, value);
        }

        return map;
    }
}
