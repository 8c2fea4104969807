using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>
/// The facade writes what <see cref="ILogger"/> writes: each test logs one thing through the facade and the equivalent
/// through the provider's <see cref="ILogger"/> for the same category, parses both JSON lines and compares them field by
/// field (all but the timestamp).
/// </summary>
public sealed class FacadeShapeTests
{
    private const string Source = "Checkout";

    private static List<KeyValuePair<string, object?>> Pairs(params (string Key, object? Value)[] pairs) =>
        [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value))];

    [Fact]
    public async Task Info_without_metadata_writes_what_an_ILogger_call_with_the_same_text_writes()
    {
        await using var h = new FacadeHarness();
        h.Facade.Info(Source, "Order placed {not a hole}");
        h.Logger(Source).Log(LogLevel.Information, default, "Order placed {not a hole}", null, static (s, _) => s);

        var (facade, logger) = await h.PairAsync();
        FacadeHarness.SameExceptTimestamp(logger, facade);
        Assert.Equal("Order placed {not a hole}", (string?)facade["message"]);
        Assert.Equal(Source, (string?)facade["source"]);
        Assert.Equal(Source, (string?)facade["category"]);
        Assert.Equal("INFO", (string?)facade["level"]);
        Assert.False(facade.ContainsKey("messageTemplate"), "free text is not a template");
    }

    [Fact]
    public async Task Info_differs_from_LogInformation_with_the_text_as_template_only_by_the_template()
    {
        await using var h = new FacadeHarness();
        h.Facade.Info(Source, "Cache warmed");
        h.Logger(Source).LogInformation("Cache warmed");

        var (facade, logger) = await h.PairAsync();
        Assert.True(logger.Remove("messageTemplate"));
        FacadeHarness.SameExceptTimestamp(logger, facade);
    }

    [Theory]
    [InlineData(LogLevel.Debug)]
    [InlineData(LogLevel.Information)]
    [InlineData(LogLevel.Warning)]
    [InlineData(LogLevel.Error)]
    [InlineData(LogLevel.Critical)]
    public async Task Each_level_method_with_metadata_writes_what_ILogger_writes_with_those_properties(LogLevel level)
    {
        await using var h = new FacadeHarness();
        var metadata = new Dictionary<string, object?>
        {
            ["OrderId"] = 1234,
            ["Amount"] = 99.5m,
            ["Express"] = true,
            ["Items"] = new List<string> { "a", "b" }, // mutable: snapshotted at the call, as ILogger arguments are
            ["DurationMs"] = 12.5, // well-known names lift into their fields, as with ILogger
            ["Provider"] = "bedrock",
            ["Password"] = "hunter2", // redacted alike
        };
        var exception = level >= LogLevel.Error ? Thrown() : null;
        Action<string, string, IReadOnlyDictionary<string, object?>?> log = level switch
        {
            LogLevel.Debug => (s, m, md) => h.Facade.Debug(s, m, md),
            LogLevel.Information => (s, m, md) => h.Facade.Info(s, m, md),
            LogLevel.Warning => (s, m, md) => h.Facade.Warn(s, m, md),
            LogLevel.Error => (s, m, md) => h.Facade.Error(s, m, exception, md),
            _ => (s, m, md) => h.Facade.Critical(s, m, exception, md),
        };

        log(Source, "Order placed", metadata);
        h.Logger(Source).Log(level, default, Pairs([.. metadata.Select(p => (p.Key, p.Value))]), exception, static (_, _) => "Order placed");

        var (facade, logger) = await h.PairAsync();
        FacadeHarness.SameExceptTimestamp(logger, facade);
        Assert.Equal(1234, (int)facade["properties"]!["OrderId"]!);
        Assert.Equal("[\"a\",\"b\"]", facade["properties"]!["Items"]!.ToJsonString());
        Assert.Equal("***", (string?)facade["properties"]!["Password"]);
        Assert.Equal(12.5, (double)facade["duration"]!);
        Assert.Equal("bedrock", (string?)facade["routing"]!["provider"]);
        Assert.Equal(exception is not null, facade.ContainsKey("error"));
    }

    [Fact]
    public async Task Error_with_an_exception_writes_what_ILogger_writes_with_that_exception()
    {
        await using var h = new FacadeHarness();
        var exception = Thrown();
        h.Facade.Error(Source, "Payment failed", exception);
        h.Logger(Source).Log(LogLevel.Error, default, "Payment failed", exception, static (s, _) => s);

        var (facade, logger) = await h.PairAsync();
        FacadeHarness.SameExceptTimestamp(logger, facade);
        Assert.Equal(typeof(InvalidOperationException).FullName, (string?)facade["error"]!["type"]);
        Assert.Equal("card declined", (string?)facade["error"]!["message"]);
    }

    [Fact]
    public async Task A_call_naming_an_open_correlation_context_writes_what_ILogger_writes_inside_that_context()
    {
        await using var h = new FacadeHarness();
        var id = h.Facade.CreateCorrelationContext("req-1", "user-1", "session-1");
        h.Facade.Warn(Source, "Slow payment", new Dictionary<string, object?> { ["Attempt"] = 2 }, id);
        h.Facade.Info(Source, "No metadata", correlationId: id);
        using (CorrelationContext.Begin(id, "req-1", "user-1", "session-1"))
        {
            h.Logger(Source).Log(LogLevel.Warning, default, Pairs(("Attempt", 2)), null, static (_, _) => "Slow payment");
            h.Logger(Source).Log(LogLevel.Information, default, "No metadata", null, static (s, _) => s);
        }

        var lines = await h.NextAsync();
        Assert.Equal(4, lines.Count);
        FacadeHarness.SameExceptTimestamp(lines[2], lines[0]);
        FacadeHarness.SameExceptTimestamp(lines[3], lines[1]);
        Assert.Equal(id, (string?)lines[0]["correlationId"]);
        Assert.Equal("req-1", (string?)lines[0]["requestId"]);
        Assert.Equal("user-1", (string?)lines[0]["userId"]);
        Assert.Equal("session-1", (string?)lines[0]["sessionId"]);
    }

    [Fact]
    public async Task LogPerformance_writes_what_the_ILogger_extension_and_the_equivalent_template_write()
    {
        await using var h = new FacadeHarness();
        var duration = TimeSpan.FromMilliseconds(182.5);
        h.Facade.LogPerformance(Source, "payment", duration);
        h.Logger(Source).LogPerformance("payment", duration);
        h.Logger(Source).LogInformation(new EventId(0, "Performance"), "{OperationType} completed in {DurationMs} ms", "payment", 182.5);

        var lines = await h.NextAsync();
        Assert.Equal(3, lines.Count);
        FacadeHarness.SameExceptTimestamp(lines[1], lines[0]);
        FacadeHarness.SameExceptTimestamp(lines[2], lines[0]);
        Assert.Equal("payment completed in 182.5 ms", (string?)lines[0]["message"]);
        Assert.Equal("payment", (string?)lines[0]["operationType"]);
        Assert.Equal(182.5, (double)lines[0]["duration"]!);
        Assert.Equal("Performance", (string?)lines[0]["eventName"]);
        Assert.False(lines[0].ContainsKey("properties"), "both template values lift into fields");
    }

    [Fact]
    public async Task LogPerformance_with_metadata_adds_it_as_properties_and_changes_nothing_else()
    {
        await using var h = new FacadeHarness();
        var duration = TimeSpan.FromMilliseconds(7.25);
        var metadata = new Dictionary<string, object?> { ["Region"] = "eu-west-1", ["Rows"] = new[] { 1, 2 }, ["operationType"] = "ignored" };
        h.Facade.LogPerformance(Source, "db.query", duration, metadata);
        h.Logger(Source).Log(
            LogLevel.Information,
            new EventId(0, "Performance"),
            Pairs(("OperationType", "db.query"), ("DurationMs", 7.25), ("Region", "eu-west-1"), ("Rows", new[] { 1, 2 }), ("{OriginalFormat}", "{OperationType} completed in {DurationMs} ms")),
            null,
            static (_, _) => "unused: the pipeline renders the template");
        h.Logger(Source).LogPerformance("db.query", duration);

        var lines = await h.NextAsync();
        Assert.Equal(3, lines.Count);
        FacadeHarness.SameExceptTimestamp(lines[1], lines[0]);
        Assert.Equal("eu-west-1", (string?)lines[0]["properties"]!["Region"]);
        Assert.Equal("db.query", (string?)lines[0]["operationType"]);
        Assert.True(lines[0].Remove("properties"));
        FacadeHarness.SameExceptTimestamp(lines[2], lines[0]);
    }

    [Theory]
    [InlineData(false, "INFO")]
    [InlineData(true, "WARN")]
    public async Task LogRouting_writes_what_the_ILogger_extension_and_the_equivalent_template_write(bool fallbackUsed, string level)
    {
        await using var h = new FacadeHarness();
        h.Facade.LogRouting("HybridRouter", "openai-fallback", fallbackUsed, "circuit open");
        h.Logger("HybridRouter").LogRouting("openai-fallback", fallbackUsed, "circuit open");
        h.Logger("HybridRouter").Log(
            fallbackUsed ? LogLevel.Warning : LogLevel.Information,
            new EventId(0, "Routing"),
            "Routed to {Provider} (fallback used: {FallbackUsed}): {RoutingReason}",
            "openai-fallback",
            fallbackUsed,
            "circuit open");
        h.Facade.LogRouting("HybridRouter", "openai-fallback", fallbackUsed, "circuit open", new Dictionary<string, object?> { ["Attempt"] = 3 });

        var lines = await h.NextAsync();
        Assert.Equal(4, lines.Count);
        FacadeHarness.SameExceptTimestamp(lines[1], lines[0]);
        FacadeHarness.SameExceptTimestamp(lines[2], lines[0]);
        Assert.Equal(level, (string?)lines[0]["level"]);
        Assert.Equal("openai-fallback", (string?)lines[0]["routing"]!["provider"]);
        Assert.Equal("circuit open", (string?)lines[0]["routing"]!["reason"]);
        Assert.Equal(fallbackUsed, (bool)lines[0]["properties"]!["FallbackUsed"]!);
        Assert.Equal($"Routed to openai-fallback (fallback used: {fallbackUsed}): circuit open", (string?)lines[0]["message"]);
        Assert.Equal(3, (int)lines[3]["properties"]!["Attempt"]!);
        Assert.True(lines[3]["properties"]!.AsObject().Remove("Attempt"));
        FacadeHarness.SameExceptTimestamp(lines[0], lines[3]);
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("card declined");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}
