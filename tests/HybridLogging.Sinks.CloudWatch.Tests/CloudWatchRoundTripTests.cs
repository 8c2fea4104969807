using System.Diagnostics;
using System.Text.Json;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>ILogger → pipeline → CloudWatch sink → emulator over HTTP → read back with GetLogEvents.</summary>
public sealed class CloudWatchRoundTripTests(ITestOutputHelper output)
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HybridLoggerProvider Provider(CloudWatchLogsEmulator emulator, int batchSize, Action<CloudWatchSinkOptions>? configure = null, int maxRetries = 2)
    {
        var options = new HybridLoggingOptions { QueueCapacity = 1 << 18, FullMode = QueueFullMode.Block, BlockTimeout = TimeSpan.FromSeconds(5), BatchSize = batchSize, FlushInterval = TimeSpan.FromMilliseconds(50) };
        options.AddCloudWatch("cloud", o =>
        {
            var defaults = Emulated.Options(emulator);
            o.LogGroupName = defaults.LogGroupName;
            o.Environment = defaults.Environment;
            o.SourceName = defaults.SourceName;
            o.Region = defaults.Region;
            o.ServiceUrl = defaults.ServiceUrl;
            o.Credentials = defaults.Credentials;
            o.LogStreamNameTemplate = "fixed";
            configure?.Invoke(o);
        }, s =>
        {
            s.QueueCapacity = 1 << 18;
            s.FullMode = QueueFullMode.Block;
            s.MaxRetries = maxRetries;
            s.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        });
        return new HybridLoggerProvider(options);
    }

    private static SinkStats Stats(HybridLoggerProvider provider) => provider.GetStats().Sinks.Single(s => s.Name == "cloud");

    [Fact]
    public async Task Hundred_thousand_entries_arrive_exactly_once_with_their_fields()
    {
        const int count = 100_000;
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var reader = new LogsReader(emulator);
        var watch = Stopwatch.StartNew();
        await using (var provider = Provider(emulator, batchSize: 5_000))
        {
            var logger = provider.CreateLogger("Shop.Checkout.OrderService");
            for (var i = 0; i < count; i++)
            {
                logger.LogInformation("Order {OrderId} paid by {User} in {LatencyMs} ms", i, "user-" + (i % 97), i % 1000 / 10.0);
            }

            await provider.FlushAsync(Ct);
            var stats = Stats(provider);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Failed + stats.Dropped);
        }

        var sent = watch.Elapsed;
        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        output.WriteLine($"{count} entries written in {sent.TotalMilliseconds:0} ms, {emulator.PutCalls} PutLogEvents calls, read back in {(watch.Elapsed - sent).TotalMilliseconds:0} ms");
        Assert.Equal(count, events.Count);
        var seen = new bool[count];
        foreach (var e in events)
        {
            var json = JsonDocument.Parse(e.Message).RootElement;
            var properties = json.GetProperty("properties");
            var id = properties.GetProperty("OrderId").GetInt32();
            Assert.False(seen[id], $"order {id} arrived twice");
            seen[id] = true;
            Assert.Equal($"Order {id} paid by user-{id % 97} in {id % 1000 / 10.0} ms", json.GetProperty("message").GetString());
            Assert.Equal("INFO", json.GetProperty("level").GetString());
            Assert.Equal("OrderService", json.GetProperty("source").GetString());
            Assert.Equal("Shop.Checkout.OrderService", json.GetProperty("category").GetString());
            Assert.Equal(DateTimeOffset.Parse(json.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), e.Timestamp);
        }

        Assert.All(seen, Assert.True);
        Assert.Equal(0, emulator.SignatureFailures);
    }

    [Fact]
    public async Task Entries_at_and_over_the_event_size_limit_arrive_whole_or_truncated_and_counted()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        emulator.Operations.MaxEventSize = 4096;
        using var reader = new LogsReader(emulator);
        var now = DateTimeOffset.UtcNow;
        LogEntry Entry(int index, int messageLength) => Some.LogEntry(index, now, message: new string('z', messageLength));
        var baseLength = Some.Utf8Length(System.Text.Encoding.UTF8.GetString(JsonLine(Entry(0, 0)))) - 1;
        await using (var provider = Provider(emulator, batchSize: 100, o => o.MaxEventSizeBytes = 4096))
        {
            provider.Write(Entry(0, 4096 - baseLength));     // exactly at the limit
            provider.Write(Entry(1, 4096 - baseLength + 1)); // one byte over
            provider.Write(Entry(2, 50_000));               // far over
            await provider.FlushAsync(Ct);
            var stats = Stats(provider);
            Assert.Equal(3, stats.Written);
            Assert.Equal(2, stats.Counters["truncated"]);
        }

        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        Assert.Equal(3, events.Count);
        Assert.Equal(4096, Some.Utf8Length(events[0].Message));
        Assert.False(JsonDocument.Parse(events[0].Message).RootElement.TryGetProperty("truncated", out _));
        foreach (var truncated in events.Skip(1))
        {
            Assert.InRange(Some.Utf8Length(truncated.Message), 1, 4096);
            var json = JsonDocument.Parse(truncated.Message).RootElement;
            Assert.EndsWith("...[truncated]", json.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("corr-", json.GetProperty("correlationId").GetString(), StringComparison.Ordinal);
            Assert.True(json.GetProperty("truncated").GetProperty("originalBytes").GetInt32() > 4096);
        }
    }

    [Fact]
    public async Task Out_of_order_entries_spread_over_25_hours_arrive_once_each_in_time_order()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var reader = new LogsReader(emulator);
        var start = DateTimeOffset.UtcNow.AddHours(-25);
        var random = new Random(11);
        var offsets = Enumerable.Range(0, 500).Select(i => TimeSpan.FromMinutes(i * 3)).OrderBy(_ => random.Next()).ToArray();
        await using (var provider = Provider(emulator, batchSize: 1000))
        {
            for (var i = 0; i < offsets.Length; i++)
            {
                provider.Write(Some.LogEntry(i, start + offsets[i]));
            }

            await provider.FlushAsync(Ct);
            Assert.Equal(500, Stats(provider).Written);
        }

        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        Assert.Equal(500, events.Count);
        Assert.Equal(events.Select(e => e.Timestamp).Order(), events.Select(e => e.Timestamp));
        Assert.Equal(Enumerable.Range(0, 500), events.Select(e => JsonDocument.Parse(e.Message).RootElement.GetProperty("properties").GetProperty("Index").GetInt32()).Order());
    }

    [Fact]
    public async Task Throttling_and_server_error_bursts_are_ridden_out_with_every_entry_once()
    {
        const int count = 5_000;
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var reader = new LogsReader(emulator);
        await using (var provider = Provider(emulator, batchSize: 250, maxRetries: 10))
        {
            var logger = provider.CreateLogger("Bursts");
            for (var i = 0; i < count; i++)
            {
                if (i == 1000)
                {
                    emulator.ThrottleNext(4);
                }
                else if (i == 3000)
                {
                    emulator.FailNext(4);
                }

                logger.LogWarning("Burst entry {Index}", i);
            }

            await provider.FlushAsync(Ct);
            var stats = Stats(provider);
            Assert.Equal(count, stats.Written);
            Assert.True(stats.Retried > 0, "the bursts caused retries");
            Assert.Equal(0, stats.Failed);
        }

        var events = await reader.EventsAsync("/tests/app", "fixed", Ct);
        var indexes = events.Select(e => JsonDocument.Parse(e.Message).RootElement.GetProperty("properties").GetProperty("Index").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, count), indexes.Order());
    }

    private static byte[] JsonLine(LogEntry entry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        HybridLogging.Formatting.JsonLogFormatter.Instance.Write(entry, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
