using System.Text;
using System.Text.Json;
using HybridLogging.Sinks.CloudWatch.Internal.Batching;
using HybridLogging.Sinks.CloudWatch.Internal.Naming;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>How batches become PutLogEvents calls, without a service.</summary>
public sealed class PutPlannerTests
{
    private static PutPlanner Planner(int maxEvent = 1_048_550, int maxEvents = 10_000, int maxBytes = 1_048_576) =>
        new(new StreamNameTemplate("s", "test", "app"), maxEvent, maxEvents, maxBytes);

    [Fact]
    public void A_call_never_spans_24_hours_or_more()
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var batch = Some.RawBatch((start, "{}"), (start.AddHours(24).AddMilliseconds(-1), "{}"), (start.AddHours(24), "{}"), (start.AddHours(47), "{}"));

        var calls = Planner().Plan(batch, out _);

        Assert.Equal([2, 2], calls.Select(c => c.Events.Length));
        Assert.All(calls, c => Assert.True(c.Events[^1].Timestamp - c.Events[0].Timestamp < 24 * 3600 * 1000));
    }

    [Fact]
    public void Equal_timestamps_keep_the_batch_order_and_indexes_map_back()
    {
        var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var batch = Some.RawBatch((t.AddSeconds(1), "{\"a\":1}"), (t, "{\"a\":2}"), (t.AddSeconds(1), "{\"a\":3}"), (t, "{\"a\":4}"));

        var call = Assert.Single(Planner().Plan(batch, out _));

        Assert.Equal([1, 3, 0, 2], call.BatchIndexes);
        Assert.Equal(["{\"a\":2}", "{\"a\":4}", "{\"a\":1}", "{\"a\":3}"], call.Events.Select(e => Encoding.UTF8.GetString(e.Message.Span)));
    }

    [Fact]
    public void The_configured_event_and_byte_limits_split_calls()
    {
        var t = DateTimeOffset.UtcNow;
        var batch = Some.RawBatch([.. Enumerable.Range(0, 10).Select(_ => (t, new string('x', 74)))]); // 74 + 26 = 100 bytes each

        Assert.Equal([3, 3, 3, 1], Planner(maxEvents: 3).Plan(batch, out _).Select(c => c.Events.Length));
        Assert.Equal([2, 2, 2, 2, 2], Planner(maxEvent: 1024, maxBytes: 299).Plan(batch, out _).Select(c => c.Events.Length));
        Assert.Equal([3, 3, 3, 1], Planner(maxEvent: 1024, maxBytes: 300).Plan(batch, out _).Select(c => c.Events.Length));
    }

    [Fact]
    public void Invalid_utf8_becomes_replacement_characters_and_empty_lines_a_placeholder()
    {
        var t = DateTimeOffset.UtcNow;
        var batch = LogRecordBatch.FromRecords([
            new LogRecord(new byte[] { (byte)'{', 0xC3, (byte)'}', (byte)'\n' }, 0, t, Microsoft.Extensions.Logging.LogLevel.Information, "s", null),
            new LogRecord("\n"u8.ToArray(), 1, t, Microsoft.Extensions.Logging.LogLevel.Information, "s", null),
        ]);

        var call = Assert.Single(Planner().Plan(batch, out _));

        Assert.Equal("{\uFFFD}", Encoding.UTF8.GetString(call.Events[0].Message.Span));
        Assert.Equal("{}", Encoding.UTF8.GetString(call.Events[1].Message.Span));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(65_536)]
    public void Truncation_keeps_valid_json_within_the_limit_for_escapes_surrogates_and_nesting(int limit)
    {
        var entry = new Dictionary<string, object>
        {
            ["timestamp"] = "2026-03-01T00:00:00Z",
            ["message"] = string.Concat(Enumerable.Repeat("quote\" back\\ tab\t emoji😀 é ", 20_000)),
            ["properties"] = new Dictionary<string, object> { ["big"] = new string('p', 200_000), ["list"] = Enumerable.Range(0, 50_000).ToArray(), ["small"] = 7 },
            ["correlationId"] = "corr-1",
        };
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        var truncated = EventTruncator.Truncate(line, limit);

        Assert.InRange(truncated.Length, 1, limit);
        var json = JsonDocument.Parse(truncated).RootElement;
        Assert.Equal(line.Length, json.GetProperty("truncated").GetProperty("originalBytes").GetInt32());
        Assert.Equal("corr-1", json.GetProperty("correlationId").GetString());
        Assert.Equal("2026-03-01T00:00:00Z", json.GetProperty("timestamp").GetString());
        var message = json.GetProperty("message").GetString()!;
        Assert.EndsWith("...[truncated]", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', message);
    }

    [Fact]
    public void Text_that_is_not_json_is_kept_as_a_truncated_string()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("plain \"text\" ü ", 1000)));

        var truncated = EventTruncator.Truncate(text, 1024);

        Assert.InRange(truncated.Length, 1, 1024);
        var json = JsonDocument.Parse(truncated).RootElement;
        Assert.StartsWith("plain \"text\" ü", json.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("...[truncated]", json.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_names_are_cleaned_cut_to_512_characters_and_cached_per_day()
    {
        var template = new StreamNameTemplate("{environment}/{source}/{date}", "prod:eu", null);
        var day = new DateTime(2026, 3, 1, 23, 59, 0, DateTimeKind.Utc).Ticks;

        Assert.Equal("prod_eu/a_b_/2026-03-01", template.Resolve("a:b*", day));
        Assert.Equal("prod_eu/a_b_/2026-03-02", template.Resolve("a:b*", day + TimeSpan.TicksPerHour));
        Assert.Equal(512, template.Resolve(new string('s', 600), day).Length);
        Assert.Same(template.Resolve("x", day), template.Resolve("x", day + 1));
    }
}
