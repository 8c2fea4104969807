using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Equivalence;

/// <summary>
/// Output equivalence against an independent reference: generated log calls go through a real provider (MEL's factory,
/// scopes, the dispatcher and the one JSON writer); every written line is parsed and compared field by field with
/// <see cref="ExpectedLine"/>, a model built from what the call put in, with MEL's own formatter as the message oracle.
/// </summary>
public sealed class OutputEquivalenceTests
{
    private const int Batches = 25; // × 20 calls = 500 generated calls per run

    [Property(Arbitrary = [typeof(CallGenerators)], MaxTest = Batches)]
    public async Task Every_written_line_matches_the_model_of_its_call_field_by_field(CallBatch batch)
    {
        var sink = new LinesSink();
        var config = batch.Config;
        var expected = new List<(GeneratedCall Call, ExpectedLine Line)>();
        await using (var host = LoggingHost.Create(sink, options =>
        {
            // Secret-looking *values* are found by heuristic patterns with their own property tests
            // (SecretPatternsPropertyTests); here random text must not be redacted by chance.
            options.RedactSecretValues = false;
            options.MaxMessageLength = config.MaxMessageLength;
            options.MaxPropertyLength = config.MaxPropertyLength;
            options.MaxProperties = config.MaxProperties;
            options.MaxCollectionItems = config.MaxCollectionItems;
            options.MaxPropertyDepth = config.MaxPropertyDepth;
        }))
        {
            foreach (var call in batch.Calls)
            {
                expected.Add((call, Log(host, call, config)));
            }

            await host.FlushAsync();
        }

        var lines = sink.Lines;
        Assert.Equal(batch.Calls.Count, lines.Count);
        var failures = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var errors = Compare(lines[i], expected[i].Line);
            if (errors.Count > 0)
            {
                failures.Add($"Config {config}, call {i}: {Shorten(expected[i].Call.ToString(), 3000)}\nline: {Shorten(lines[i], 3000)}\n" + string.Join("\n", errors));
            }
        }

        if (Environment.GetEnvironmentVariable("EQUIVALENCE_SURVEY") is { Length: > 0 } survey)
        {
            // Local survey mode: every disagreement of every call is appended to a file instead of failing the run.
            await File.AppendAllLinesAsync(survey, failures.Select(f => f + "\n"), new System.Text.UTF8Encoding(false), TestContext.Current.CancellationToken);
            return;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {lines.Count} lines differ from the model:\n{string.Join("\n\n", failures.Take(3))}");
    }

    [Fact]
    public void The_generator_covers_every_category_in_one_run()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var batch in CallGenerators.Batch.Sample(Batches))
        {
            foreach (var call in batch.Calls)
            {
                foreach (var category in CallGenerators.CategoriesOf(call, batch.Config).Distinct())
                {
                    counts[category] = counts.GetValueOrDefault(category) + 1;
                }
            }
        }

        string[] required =
        [
            "config:defaults", "config:tight",
            "level:Trace", "level:Debug", "level:Information", "level:Warning", "level:Error", "level:Critical", "eventId", "eventName",
            "hostile:control", "hostile:newline", "hostile:quote", "hostile:backslash", "hostile:ansi", "hostile:non-ascii",
            "hostile:emoji", "hostile:lone-surrogate", "hostile:braces", "template-without-holes", "hole-format",
            "value:null", "value:bool", "value:sbyte", "value:byte", "value:short", "value:ushort", "value:int", "value:uint",
            "value:long", "value:ulong", "value:float", "value:float-nonfinite", "value:double", "value:double-nonfinite",
            "value:decimal", "value:DateTime", "value:DateTimeOffset", "value:TimeSpan", "value:Guid", "value:enum", "value:char",
            "value:string", "value:long-string", "value:list", "value:list-over-limit", "value:int-array", "value:dictionary", "value:nested",
            "value:id-string", "value:id-guid", "value:id-int", "value:id-null", "value:id-long",
            "value:number-double", "value:number-int", "value:number-long", "value:number-float", "value:number-decimal",
            "value:number-ushort", "value:number-sbyte", "value:number-timespan", "value:number-string", "value:number-text",
            "value:number-nonfinite", "value:number-huge", "value:number-null",
            "name:plain", "name:secret", "name:look-alike", "name:id", "name:duration", "name:performance", "name:routing",
            "name:trace", "name:error-code", "name:hostile",
            "limit:message", "limit:properties", "limit:property-length", "limit:collection-items",
            "error:plain", "error:plain+thrown", "error:inner", "error:inner+thrown", "error:aggregate", "error:aggregate+thrown",
            "error:custom-hresult", "error:custom-hresult+thrown",
            "contexts:0", "contexts:1", "contexts:2", "scope:pairs", "scope:plain", "scope:formatted", "scope:nested", "activity",
        ];
        var report = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        var missing = required.Where(r => counts.GetValueOrDefault(r) < 5).ToList();
        Assert.True(missing.Count == 0, $"Categories reached fewer than 5 times in {Batches * CallGenerators.CallsPerBatch} calls: {string.Join(", ", missing)}\n{report}");
    }

    private static ExpectedLine Log(LoggingHost host, GeneratedCall call, Config config)
    {
        var logger = host.Logger(call.Category);
        var disposables = new Stack<IDisposable?>();
        Activity.Current = null;
        try
        {
            foreach (var context in call.Contexts)
            {
                disposables.Push(CorrelationContext.Begin(context.CorrelationId, context.RequestId, context.UserId, context.SessionId, context.OperationType));
            }

            var current = CorrelationContext.Current;
            var correlation = current is null ? null : new CorrelationSnapshot(current.CorrelationId, current.RequestId, current.UserId, current.SessionId, current.OperationType);
            foreach (var scope in call.Scopes)
            {
                disposables.Push(scope switch
                {
                    { Pairs: { } pairs } => logger.BeginScope(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value.Value)).ToList()),
                    { Plain: { } plain } => logger.BeginScope(plain),
                    _ => logger.BeginScope("Scope {" + scope.FormattedName + "}", scope.FormattedValue!.Value),
                });
            }

            (string, string)? ids = null;
            if (call.WithActivity)
            {
                var activity = new Activity("equivalence").SetIdFormat(ActivityIdFormat.W3C).Start();
                disposables.Push(activity);
                ids = (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());
            }

            var exception = Exceptions.Make(call.Error);
            var before = DateTimeOffset.UtcNow;
            logger.Log(call.Level, new EventId(call.EventId, call.EventName), exception, call.Template, call.Arguments);
            var after = DateTimeOffset.UtcNow;
            return ExpectedLine.Build(call, config, MelMessage(call, config, exception), correlation, exception, ids, (before, after));
        }
        finally
        {
            while (disposables.Count > 0)
            {
                disposables.Pop()?.Dispose();
            }
        }
    }

    /// <summary>
    /// MEL's own rendering of the call (the formatter MEL passes to <c>ILogger.Log</c>), with the two documented
    /// adjustments: a secret's hole shows <c>***</c> (nested secrets too), and a collection shows at most
    /// MaxCollectionItems items followed by <c>…</c>.
    /// </summary>
    private static string MelMessage(GeneratedCall call, Config config, Exception? exception)
    {
        var holes = call.Parts.Where(p => p.Literal is null).ToList();
        var arguments = holes.Select(h => ExpectedLine.IsSecret(h.Name!) ? ExpectedLine.Redacted : ForMessage(h.Value!.Value, config)).ToArray();
        var oracle = new MelOracle();
        oracle.Log(call.Level, new EventId(call.EventId, call.EventName), exception, call.Template, arguments);
        return oracle.Rendered!;
    }

    private static object? ForMessage(object? value, Config config)
    {
        if (value is string or null || value is not IEnumerable sequence)
        {
            return value;
        }

        var items = new List<object?>();
        foreach (var item in sequence)
        {
            if (items.Count == config.MaxCollectionItems)
            {
                items.Add("…");
                break;
            }

            items.Add(item is KeyValuePair<string, object?> pair && ExpectedLine.IsSecret(pair.Key) ? new KeyValuePair<string, object?>(pair.Key, ExpectedLine.Redacted) : item);
        }

        return items;
    }

    private static List<string> Compare(string line, ExpectedLine expected)
    {
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }

        using (document)
        {
            var root = document.RootElement;
            var keys = root.EnumerateObject().Select(p => p.Name).ToList();
            var expectedKeys = new[] { "timestamp" }.Concat(expected.Line.Select(p => p.Key)).ToList();
            if (!keys.SequenceEqual(expectedKeys))
            {
                errors.Add($"fields: [{string.Join(",", keys)}] expected [{string.Join(",", expectedKeys)}]");
            }

            if (root.TryGetProperty("timestamp", out var timestamp))
            {
                var text = timestamp.GetString() ?? string.Empty;
                if (!text.EndsWith('Z') || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ||
                    at < expected.Time.Before.AddMilliseconds(-20) || at > expected.Time.After.AddMilliseconds(20))
                {
                    errors.Add($"timestamp {text} not within [{expected.Time.Before:O}, {expected.Time.After:O}]");
                }
            }

            foreach (var (key, value) in expected.Line)
            {
                if (root.TryGetProperty(key, out var actual))
                {
                    CompareValue(actual, value, key, errors);
                }
            }
        }

        return errors;
    }

    private static void CompareValue(JsonElement actual, object? expected, string path, List<string> errors)
    {
        bool ok;
        switch (expected)
        {
            case null:
                ok = actual.ValueKind == JsonValueKind.Null;
                break;
            case string s:
                ok = actual.ValueKind == JsonValueKind.String && actual.GetString() == s;
                break;
            case bool b:
                ok = actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False);
                break;
            case long l:
                ok = actual.ValueKind == JsonValueKind.Number && actual.TryGetInt64(out var al) && al == l;
                break;
            case ulong ul:
                ok = actual.ValueKind == JsonValueKind.Number && actual.TryGetUInt64(out var aul) && aul == ul;
                break;
            case decimal m:
                ok = actual.ValueKind == JsonValueKind.Number && actual.TryGetDecimal(out var am) && am == m;
                break;
            case double d:
                ok = actual.ValueKind == JsonValueKind.Number && actual.TryGetDouble(out var ad) && ad.Equals(d);
                break;
            case Single f:
                ok = actual.ValueKind == JsonValueKind.Number && float.TryParse(actual.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var af) && af.Equals(f.Value);
                break;
            case Milliseconds ms:
                // Milliseconds rounded to 3 decimals: within half a microsecond of the value, and no finer.
                ok = actual.ValueKind == JsonValueKind.Number && actual.TryGetDouble(out var written) &&
                     Math.Abs(written - ms.Value) <= 0.0005 + (Math.Abs(ms.Value) * 1e-15) && Math.Round(written, 3) == written;
                break;
            case Obj obj:
                if (actual.ValueKind != JsonValueKind.Object)
                {
                    ok = false;
                    break;
                }

                var keys = actual.EnumerateObject().Select(p => p.Name).ToList();
                if (!keys.SequenceEqual(obj.Select(p => p.Key)))
                {
                    errors.Add($"{path}: members [{Shorten(string.Join(",", keys), 600)}] expected [{Shorten(string.Join(",", obj.Select(p => p.Key)), 600)}]");
                    return;
                }

                foreach (var (key, value) in obj)
                {
                    CompareValue(actual.GetProperty(key), value, path + "." + key, errors);
                }

                return;
            case List<object?> list:
                if (actual.ValueKind != JsonValueKind.Array || actual.GetArrayLength() != list.Count)
                {
                    ok = false;
                    break;
                }

                var index = 0;
                foreach (var item in actual.EnumerateArray())
                {
                    CompareValue(item, list[index], $"{path}[{index}]", errors);
                    index++;
                }

                return;
            default:
                throw new InvalidOperationException($"model value of unexpected type {expected.GetType()}");
        }

        if (!ok)
        {
            errors.Add($"{path}: {Shorten(actual.GetRawText(), 600)} expected {Shorten(Describe(expected), 600)}");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s),
        Milliseconds ms => $"{ms.Value.ToString("R", CultureInfo.InvariantCulture)} ms rounded to 3 decimals",
        Single f => f.Value.ToString("R", CultureInfo.InvariantCulture) + "f",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + $" ({value.GetType().Name})",
        _ => value.ToString() ?? string.Empty,
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $"…(len {text.Length})";

    /// <summary>An <see cref="ILogger"/> that keeps MEL's rendering of the one call it gets.</summary>
    private sealed class MelOracle : ILogger
    {
        public string? Rendered { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var culture = CultureInfo.CurrentCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            try
            {
                Rendered = formatter(state, exception);
            }
            finally
            {
                CultureInfo.CurrentCulture = culture;
            }
        }
    }
}
