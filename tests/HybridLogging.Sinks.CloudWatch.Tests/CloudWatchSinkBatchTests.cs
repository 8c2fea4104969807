using System.Text;
using System.Text.Json;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>PutLogEvents batch rules, against the emulator (which refuses any call that breaks them).</summary>
public sealed class CloudWatchSinkBatchTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_a_batch_creating_the_group_and_the_templated_stream()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator);
        using var reader = new LogsReader(emulator);
        var now = Some.Now;
        var batch = Some.Batch([.. Enumerable.Range(0, 3).Select(i => Some.LogEntry(i, now))]);

        await sink.WriteAsync(batch, Ct);

        var stream = $"test-app-{now.UtcDateTime:yyyy-MM-dd}";
        Assert.Equal([stream], await reader.StreamsAsync("/tests/app", Ct));
        var events = await reader.EventsAsync("/tests/app", stream, Ct);
        Assert.Equal(["entry 0", "entry 1", "entry 2"], events.Select(e => JsonDocument.Parse(e.Message).RootElement.GetProperty("message").GetString()));
        Assert.All(events, e => Assert.Equal(now.ToUnixTimeMilliseconds(), e.Timestamp));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        Assert.Equal(events.Sum(e => Some.Utf8Length(e.Message)), sink.BytesWritten);
        Assert.Equal(0, emulator.SignatureFailures);
    }

    [Fact]
    public async Task Stream_per_source_writes_each_source_to_its_own_stream()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.StreamPerSource = true);
        using var reader = new LogsReader(emulator);
        var now = Some.Now;

        await sink.WriteAsync(Some.Batch(Some.LogEntry(0, now, source: "Router"), Some.LogEntry(1, now, source: "Cache:L1"), Some.LogEntry(2, now, source: "Router")), Ct);

        var day = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"test-Cache_L1-{day}", $"test-Router-{day}"], await reader.StreamsAsync("/tests/app", Ct));
        Assert.Equal(2, (await reader.EventsAsync("/tests/app", $"test-Router-{day}", Ct)).Count);
    }

    [Fact]
    public async Task Out_of_order_timestamps_spread_over_25_hours_are_sorted_split_and_all_stored_once()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        using var reader = new LogsReader(emulator);
        var start = Some.Now.AddHours(-25);
        var random = new Random(7);
        // 1,000 entries over 25 hours in random order, with runs of equal timestamps.
        var entries = Enumerable.Range(0, 1000).Select(i => Some.LogEntry(i, start.AddMinutes(i / 4 * 6))).OrderBy(_ => random.Next()).ToArray();
        var batch = Some.Batch(entries);

        await sink.WriteAsync(batch, Ct);

        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        Assert.Equal(1000, events.Count);
        Assert.True(emulator.PutCalls >= 2, "a 25-hour batch needs at least two calls");
        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        var indexes = events.Select(e => JsonDocument.Parse(e.Message).RootElement.GetProperty("properties").GetProperty("Index").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), indexes.Order());
        // Equal timestamps keep the batch's order (the emulator returns equal timestamps in ingestion order).
        var batchOrder = entries.Select((e, position) => (Index: (int)e.Properties[0].Value!, position)).ToDictionary(p => p.Index, p => p.position);
        foreach (var run in events.Zip(indexes).GroupBy(p => p.First.Timestamp))
        {
            var positions = run.Select(p => batchOrder[p.Second]).ToList();
            Assert.Equal(positions.Order(), positions);
        }
    }

    [Fact]
    public async Task Calls_hold_at_most_10000_events()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        using var reader = new LogsReader(emulator);
        var now = Some.Now;

        await sink.WriteAsync(Some.RawBatch([.. Enumerable.Range(0, 10_001).Select(i => (now, $"{{\"i\":{i}}}"))]), Ct);

        Assert.Equal(2, emulator.PutCalls);
        Assert.Equal(10_001, (await reader.EventsAsync("/tests/app", "fixed", Ct)).Count);
    }

    [Fact]
    public async Task Calls_fill_exactly_to_1048576_bytes_counting_26_per_event_and_no_further()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        // 998 bytes + 26 = 1,024 per event: 1,024 events make exactly 1,048,576; the 1,025th needs a second call.
        var message = "{\"m\":\"" + new string('x', 998 - 8) + "\"}";
        Assert.Equal(998, Some.Utf8Length(message));

        await sink.WriteAsync(Some.RawBatch([.. Enumerable.Range(0, 1025).Select(_ => (now, message))]), Ct);

        Assert.Equal(2, emulator.PutCalls);
        Assert.Equal(1_048_576, emulator.LargestAcceptedCallBytes);
        Assert.Equal(1025, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task An_event_at_the_size_limit_is_stored_whole_and_one_byte_over_is_truncated_to_valid_json()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        using var reader = new LogsReader(emulator);
        var now = Some.Now;
        const int limit = CloudWatchSinkOptions.ServiceMaxEventSizeBytes;
        const string head = "{\"timestamp\":\"t\",\"message\":\"";
        var atLimit = head + new string('a', limit - head.Length - 2) + "\"}";
        var inner = limit + 1 - head.Length - 2;
        var overLimit = head + new string('é', inner / 2) + new string('b', inner % 2) + "\"}";
        Assert.Equal(limit, Some.Utf8Length(atLimit));
        Assert.Equal(limit + 1, Some.Utf8Length(overLimit));
        var batch = Some.RawBatch((now, atLimit), (now.AddMilliseconds(1), overLimit));

        await sink.WriteAsync(batch, Ct);

        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        Assert.Equal(2, events.Count);
        Assert.Equal(atLimit, events[0].Message);
        var truncated = events[1].Message;
        Assert.True(Some.Utf8Length(truncated) <= limit);
        var json = JsonDocument.Parse(truncated).RootElement;
        Assert.Equal("t", json.GetProperty("timestamp").GetString());
        Assert.EndsWith("...[truncated]", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("éééé", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(limit + 1, json.GetProperty("truncated").GetProperty("originalBytes").GetInt32());
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(1));
        Assert.Contains(new KeyValuePair<string, long>("truncated", 1), Counts(batch));
    }

    [Fact]
    public async Task A_lower_configured_event_size_truncates_there()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        emulator.Operations.MaxEventSize = 262_118; // the older 256 KB limit
        await using var sink = Emulated.Sink(emulator, o => { o.LogStreamNameTemplate = "fixed"; o.MaxEventSizeBytes = 262_118; });
        var now = Some.Now;
        var entry = Some.LogEntry(1, now, message: new string('m', 300_000));

        var batch = Some.Batch(entry);
        await sink.WriteAsync(batch, Ct);

        Assert.Null(batch.GetReason(0));
        var stored = Assert.Single(emulator.Store.Groups["/tests/app"].Streams["fixed"].Snapshot());
        Assert.InRange(Some.Utf8Length(stored.Message), 200_000, 262_118);
        var json = JsonDocument.Parse(stored.Message).RootElement;
        Assert.Equal("corr-1", json.GetProperty("correlationId").GetString());
        Assert.Equal(1, json.GetProperty("properties").GetProperty("Index").GetInt32());
    }

    internal static IReadOnlyList<KeyValuePair<string, long>> Counts(LogRecordBatch batch) =>
        (IReadOnlyList<KeyValuePair<string, long>>)typeof(LogRecordBatch).GetProperty("Counts", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(batch)!;
}
