using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Facade;

/// <summary>The <see cref="ILogger"/> extensions: the fields they produce, and the durations BeginOperation measures.</summary>
public sealed class ExtensionTests
{
    [Fact]
    public async Task LogPerformance_writes_operation_type_and_duration_in_milliseconds()
    {
        await using var h = new FacadeHarness();
        h.Logger("Shop.Database").LogPerformance("db.query", TimeSpan.FromTicks(123_456_789)); // 12,345.6789 ms

        var line = await h.SingleAsync();
        Assert.Equal("INFO", (string?)line["level"]);
        Assert.Equal("Database", (string?)line["source"]);
        Assert.Equal("Shop.Database", (string?)line["category"]);
        Assert.Equal("db.query", (string?)line["operationType"]);
        Assert.Equal(12_345.679, (double)line["duration"]!); // rounded to the microsecond
        Assert.Equal("db.query completed in 12345.679 ms", (string?)line["message"]);
        Assert.Equal("{OperationType} completed in {DurationMs} ms", (string?)line["messageTemplate"]);
        Assert.Equal("Performance", (string?)line["eventName"]);
        Assert.False(line.ContainsKey("eventId"));
        Assert.False(line.ContainsKey("properties"));
    }

    [Fact]
    public async Task LogRouting_writes_the_routing_fields_and_the_fallback_flag_at_a_level_that_shows_degradation()
    {
        await using var h = new FacadeHarness();
        var logger = h.Logger("Routing.HybridRouter");
        logger.LogRouting("bedrock", fallbackUsed: false, "primary healthy");
        logger.LogRouting("openai-fallback", fallbackUsed: true, "circuit open");

        var (primary, fallback) = await h.PairAsync();
        Assert.Equal("INFO", (string?)primary["level"]);
        Assert.Equal("WARN", (string?)fallback["level"]);
        Assert.Equal("{\"provider\":\"bedrock\",\"reason\":\"primary healthy\"}", primary["routing"]!.ToJsonString());
        Assert.Equal("{\"provider\":\"openai-fallback\",\"reason\":\"circuit open\"}", fallback["routing"]!.ToJsonString());
        Assert.Equal("{\"FallbackUsed\":false}", primary["properties"]!.ToJsonString());
        Assert.Equal("{\"FallbackUsed\":true}", fallback["properties"]!.ToJsonString());
        Assert.Equal("Routing", (string?)fallback["eventName"]);
        Assert.Equal("Routed to openai-fallback (fallback used: True): circuit open", (string?)fallback["message"]);
    }

    [Fact]
    public async Task BeginOperation_logs_the_measured_duration_when_disposed()
    {
        await using var h = new FacadeHarness();
        var logger = h.Logger("Shop.Checkout");
        var outside = Stopwatch.StartNew();
        double elapsedInside;
        using (var operation = logger.BeginOperation("checkout"))
        {
            await Task.Delay(60, TestContext.Current.CancellationToken);
            elapsedInside = operation.Elapsed.TotalMilliseconds;
            Assert.Equal("checkout", operation.OperationType);
        }

        var bound = outside.Elapsed.TotalMilliseconds;
        var line = await h.SingleAsync();
        var duration = (double)line["duration"]!;
        Assert.Equal("checkout", (string?)line["operationType"]);
        Assert.InRange(duration, 55, bound); // Task.Delay may end a timer tick early, never much
        Assert.True(duration >= elapsedInside, $"{duration} ms logged, {elapsedInside} ms measured before the end");
        Assert.Equal($"checkout completed in {line["duration"]!.ToJsonString()} ms", (string?)line["message"]);
    }

    [Fact]
    public async Task BeginOperation_nested_operations_each_log_their_own_duration()
    {
        await using var h = new FacadeHarness();
        var logger = h.Logger("Shop.Checkout");
        using (logger.BeginOperation("outer"))
        {
            using (logger.BeginOperation("inner"))
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var (inner, outer) = await h.PairAsync();
        Assert.Equal("inner", (string?)inner["operationType"]);
        Assert.Equal("outer", (string?)outer["operationType"]);
        Assert.True((double)outer["duration"]! > (double)inner["duration"]!);
    }

    [Fact]
    public async Task A_default_operation_logs_nothing_when_disposed()
    {
        await using var h = new FacadeHarness();
        default(LoggedOperation).Dispose();
        Assert.Equal(TimeSpan.Zero, default(LoggedOperation).Elapsed);
        Assert.Empty(await h.NextAsync());
    }

    [Fact]
    public async Task Extensions_check_the_level_first()
    {
        await using var h = new FacadeHarness(o => o.MinimumLevel = LogLevel.Warning);
        var logger = h.Logger("Shop.Checkout");
        logger.LogPerformance("op", TimeSpan.FromSeconds(1));
        logger.LogRouting("primary", fallbackUsed: false, "ok");
        logger.LogRouting("fallback", fallbackUsed: true, "down");
        using (var operation = logger.BeginOperation("op"))
        {
            Assert.Null(operation.OperationType); // not timed: the default value
            Assert.Equal(TimeSpan.Zero, operation.Elapsed);
        }

        var line = await h.SingleAsync();
        Assert.Equal("fallback", (string?)line["routing"]!["provider"]);
    }
}
