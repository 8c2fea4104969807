using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using HybridLogging.Formatting;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>A sink that answers per record: only what it asks to retry is sent again, failures are counted by reason.</summary>
public sealed class RecordOutcomeTests
{
    [Fact]
    public async Task Only_records_the_sink_asks_to_retry_are_sent_again_and_failures_are_counted_by_reason()
    {
        var sink = new ItemSink();
        await using var provider = TestProvider.Create(sink, configureSink: s =>
        {
            s.BatchSize = 30;
            s.MaxRetries = 3;
            s.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        });
        var logger = provider.CreateLogger("Tests.Outcomes");
        for (var i = 0; i < 30; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await provider.FlushAsync(TestProvider.Token);
        var stats = Assert.Single(provider.GetStats().Sinks);

        // Every 3rd record is throttled once, then judged again; every 5th is refused for good; the rest written at once.
        var refused = Enumerable.Range(0, 30).Count(i => i % 5 == 0);
        Assert.Equal(30, stats.Received);
        Assert.Equal(30 - refused, stats.Written);
        Assert.Equal(refused, stats.Failed);
        Assert.Equal(refused, stats.FailedByReason["mapping"]);
        Assert.Equal(1, stats.Retried);
        Assert.Equal(30, stats.Counters["seen"] - stats.Counters["resent"]);
        Assert.Equal(10, stats.Counters["resent"]);
        Assert.Equal(
            Enumerable.Range(0, 30).Where(i => i % 5 != 0),
            sink.Written.Order());
        Assert.All(sink.Attempts.Where(a => a.Attempt == 1), a => Assert.Equal(0, a.Index % 3));
    }

    [Fact]
    public async Task Records_still_throttled_after_the_last_retry_fail_under_the_sinks_reason()
    {
        var sink = new ItemSink { AlwaysThrottle = true };
        await using var provider = TestProvider.Create(sink, configureSink: s =>
        {
            s.MaxRetries = 2;
            s.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        });
        provider.CreateLogger("Tests.Outcomes").LogInformation("Item {Index}", 3);
        await provider.FlushAsync(TestProvider.Token);

        var stats = Assert.Single(provider.GetStats().Sinks);
        Assert.Equal(1, stats.Failed);
        Assert.Equal(1, stats.FailedByReason["throttled"]);
        Assert.Equal(0, stats.Written);
        Assert.Equal(3, sink.Attempts.Count); // the first try and two retries
    }

    [Fact]
    public async Task Failures_by_reason_and_sink_counters_are_published_as_metrics()
    {
        var sink = new ItemSink();
        await using var provider = TestProvider.Create(sink, configureSink: s => s.RetryBaseDelay = TimeSpan.FromMilliseconds(1));
        var logger = provider.CreateLogger("Tests.Outcomes");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await provider.FlushAsync(TestProvider.Token);
        var measured = new List<(string Instrument, long Value, string Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "HybridLogging" && instrument.Name is "hybridlogging.destination.failed" or "hybridlogging.destination.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key is "reason" or "name")
                {
                    lock (measured)
                    {
                        measured.Add((instrument.Name, value, (string)tag.Value!));
                    }
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(("hybridlogging.destination.failed", 2L, "mapping"), measured); // indexes 0 (after its retry) and 5
        Assert.Contains(measured, m => m.Instrument == "hybridlogging.destination.events" && m.Tag == "seen");
    }

    /// <summary>Throttles records whose index is a multiple of 3 on their first attempt; refuses multiples of 5 for good.</summary>
    private sealed class ItemSink : IFormattedLogSink
    {
        private readonly List<int> _written = [];
        private readonly List<(int Index, int Attempt)> _attempts = [];

        public bool AlwaysThrottle { get; init; }

        public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

        public IReadOnlyList<int> Written
        {
            get
            {
                lock (_written)
                {
                    return [.. _written];
                }
            }
        }

        public IReadOnlyList<(int Index, int Attempt)> Attempts
        {
            get
            {
                lock (_attempts)
                {
                    return [.. _attempts];
                }
            }
        }

        public ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                using var json = JsonDocument.Parse(Encoding.UTF8.GetString(batch[i].Bytes.Span));
                var index = json.RootElement.GetProperty("properties").GetProperty("Index").GetInt32();
                lock (_attempts)
                {
                    _attempts.Add((index, batch.Attempt));
                }

                batch.AddCount("seen");
                if (batch.Attempt > 0)
                {
                    batch.AddCount("resent");
                }

                if (AlwaysThrottle || (index % 3 == 0 && batch.Attempt == 0))
                {
                    batch.Retry(i, "throttled");
                }
                else if (index % 5 == 0)
                {
                    batch.Fail(i, "mapping");
                }
                else
                {
                    lock (_written)
                    {
                        _written.Add(index);
                    }
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
