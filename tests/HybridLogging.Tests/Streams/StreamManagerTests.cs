using System.Collections.Concurrent;
using System.Diagnostics;
using HybridLogging.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

public sealed class StreamManagerTests
{
    [Fact]
    public void A_container_disposed_synchronously_after_resolving_the_stream_manager_does_not_throw()
    {
        // The provider owns and disposes the manager; the container must not try to (an IAsyncDisposable-only
        // singleton makes ServiceProvider.Dispose throw).
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddHybridLogging());
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<LogStreamManager>();

        var error = Record.Exception(provider.Dispose);

        Assert.Null(error);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blocked_destination_does_not_delay_other_destinations_or_the_logging_call()
    {
        var factory = new RecordingSinkFactory();
        var blocked = StreamKit.Destination("blocked");
        blocked.Settings["Block"] = "true";
        blocked.QueueCapacity = 100;
        blocked.WriteTimeout = TimeSpan.FromHours(1);
        var options = StreamKit.Options(factory, o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            o.QueueCapacity = 1 << 15; // room for every entry: the healthy destinations must get all of them
            o.AddStream(StreamKit.Stream("errors", blocked, StreamKit.Destination("healthy")));
            o.AddStream(StreamKit.Stream("other", StreamKit.Destination("healthy")));
        });
        var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.HybridRouter");
        const int Count = 20_000;
        var longestCall = TimeSpan.Zero;
        for (var i = 0; i < Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            logger.LogInformation("Entry {seq}", i);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > longestCall)
            {
                longestCall = elapsed;
            }
        }

        var waited = factory["errors/healthy"].WaitForCountAsync(Count);
        await Task.WhenAny(waited, Task.Delay(TimeSpan.FromSeconds(30), Ct));
        Assert.True(waited.IsCompleted, $"healthy got {factory["errors/healthy"].Count}, stats {string.Join(" ", provider.GetStats().Sinks.Select(s => $"{s.Stream}/{s.Name}:r{s.Received} w{s.Written} d{s.Dropped} f{s.Failed} e={s.LastError}"))} produced {provider.GetStats().Produced} dispatched {provider.GetStats().Dispatched}");
        await factory["other/healthy"].WaitForCountAsync(Count).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(Enumerable.Range(0, Count), factory["errors/healthy"].Snapshot().Select(e => e.Seq()));

        // A logging call never waits for the blocked destination: its cost is bounded by the lock-free enqueue.
        // The bound is generous (scheduling noise on a loaded 2-core machine) yet far below any wait on the sink.
        Assert.True(longestCall < TimeSpan.FromMilliseconds(500), $"longest logging call took {longestCall}");

        var stats = provider.Streams.GetStreamStats("errors")!;
        var blockedStats = stats.Destinations.Single(d => d.Name == "blocked");
        Assert.Equal(Count, blockedStats.Received);
        Assert.Equal(0, blockedStats.Written);
        // At most one queue (capacity rounded up to a power of two) plus the batch in the hung write is pending.
        Assert.True(blockedStats.Dropped >= Count - blockedStats.QueueCapacity - 50, $"dropped {blockedStats.Dropped}");
        Assert.Equal(blockedStats.Received, blockedStats.Written + blockedStats.Dropped + blockedStats.Failed + blockedStats.Pending);

        await provider.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var final = provider.GetStats().Sinks.Single(s => s.Name == "blocked");
        Assert.Equal(final.Received, final.Written + final.Dropped + final.Failed);
    }

    [Fact]
    public async Task Streams_change_100_times_while_two_threads_log_and_stable_stream_loses_nothing()
    {
        var factory = new RecordingSinkFactory();
        var options = StreamKit.Options(factory, o =>
        {
            o.QueueCapacity = 1 << 20;
            o.FullMode = QueueFullMode.Block;
            o.BlockTimeout = TimeSpan.FromSeconds(10);
            o.AddStream(StreamKit.Stream("stable", StreamKit.Destination("all")));
        });
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.BedrockClient");
        var stop = 0;
        var produced = new int[2];
        var producers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            for (var i = 0; Volatile.Read(ref stop) == 0 && i < 300_000; i++)
            {
                logger.Log(i % 10 == 0 ? LogLevel.Error : LogLevel.Information, "Thread {thread} entry {seq}", t, i);
                produced[t]++;
            }
        })).ToArray();

        var manager = provider.Streams;
        for (var round = 0; round < 100; round++)
        {
            var id = $"churn-{round % 5}";
            var config = StreamKit.Stream(id, StreamKit.Destination("d1"), StreamKit.Destination("d2", "errors"));
            config.Filters.Add(new LogFilter { Id = "errors", Levels = [LogLevel.Error] });
            switch (round % 3)
            {
                case 0:
                    if (manager.GetStream(id) is null)
                    {
                        manager.CreateStream(config);
                    }
                    else
                    {
                        await manager.RemoveStreamAsync(id, Ct);
                    }

                    break;
                case 1:
                    if (manager.GetStream(id) is { } existing)
                    {
                        existing.Destinations[0].BatchSize = 10 + round; // replaces d1, keeps d2
                        existing.Filters[0].MinimumLevel = LogLevel.Warning;
                        manager.UpdateStream(existing);
                    }
                    else
                    {
                        manager.CreateStream(config);
                    }

                    break;
                default:
                    manager.AddFilter("stable", new LogFilter { Id = $"noop-{round}", Enabled = false });
                    break;
            }
        }

        Volatile.Write(ref stop, 1);
        await Task.WhenAll(producers);
        await provider.FlushAsync(Ct);

        var total = produced.Sum();
        var stable = factory["stable/all"].Snapshot();
        Assert.Equal(total, stable.Count);
        foreach (var thread in new[] { 0, 1 })
        {
            // Each thread's entries arrive once each, in order.
            var seqs = stable.Where(e => (int)e.GetProperty("thread")! == thread).Select(e => (int)e.GetProperty("seq")!).ToList();
            Assert.Equal(Enumerable.Range(0, produced[thread]), seqs);
        }

        foreach (var stats in manager.GetAllStreamStats())
        {
            Assert.Equal(stats.DestinationReceived, stats.Written + stats.Dropped + stats.Failed);
            Assert.Equal(0, stats.Failed);
        }

        var stableStats = manager.GetStreamStats("stable")!;
        Assert.Equal(total, stableStats.Matched);
        Assert.Equal(total, stableStats.Written);
    }

    [Fact]
    public async Task Fast_subscriber_sees_every_matching_entry_and_stalled_one_reports_missed_while_pipeline_flows()
    {
        var factory = new RecordingSinkFactory();
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(StreamKit.Stream("all", StreamKit.Destination("sink")))));
        var errorsOnly = new LogFilter { Id = "e", Levels = [LogLevel.Error] };
        var fast = provider.Streams.Subscribe(errorsOnly, 100_000);
        var stalled = provider.Streams.Subscribe(errorsOnly, 10);
        const int Count = 5_000;
        var received = new List<LogEntry>();
        var reader = Task.Run(async () =>
        {
            await foreach (var entry in fast.WithCancellation(Ct))
            {
                received.Add(entry);
                if (received.Count == Count / 2)
                {
                    break;
                }
            }
        }, Ct);

        var logger = provider.CreateLogger("Tests.AlertSystem");
        for (var i = 0; i < Count; i++)
        {
            logger.Log(i % 2 == 0 ? LogLevel.Error : LogLevel.Information, "Entry {seq}", i);
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await provider.FlushAsync(Ct);
        Assert.Equal(Enumerable.Range(0, Count / 2).Select(i => i * 2), received.Select(e => e.Seq()));
        Assert.Equal(Count, factory["all/sink"].Count); // the stalled subscriber never slowed the pipeline
        Assert.Equal(Count / 2, stalled.Offered);
        Assert.Equal(Count / 2 - 10, stalled.Missed);

        // The stalled subscriber still gets the newest entries it kept.
        var kept = new List<int>();
        await stalled.DisposeAsync(); // completes the feed after what is buffered
        await foreach (var entry in stalled.WithCancellation(Ct))
        {
            kept.Add(entry.Seq());
        }

        Assert.Equal(Enumerable.Range(Count / 2 - 10, 10).Select(i => i * 2), kept);
    }

    [Fact]
    public async Task Query_returns_the_most_recent_entries_of_a_stream_newest_last_and_filtered()
    {
        var factory = new RecordingSinkFactory();
        var stream = StreamKit.Stream("recent", StreamKit.Destination("sink"));
        stream.BufferSize = 10;
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(stream)));
        for (var i = 0; i < 50; i++)
        {
            provider.Write(StreamKit.Entry(i, i % 5 == 0 ? LogLevel.Warning : LogLevel.Information));
        }

        await provider.FlushAsync(Ct);
        var manager = provider.Streams;
        Assert.Equal(Enumerable.Range(40, 10), manager.QueryLogs(new LogQuery { StreamId = "recent" }).Select(e => e.Seq()));
        Assert.Equal([40, 45], manager.QueryLogs(new LogQuery { Filter = new LogFilter { Levels = [LogLevel.Warning] } }).Select(e => e.Seq()));
        Assert.Equal([48, 49], manager.QueryLogs(new LogQuery { Limit = 2 }).Select(e => e.Seq()));
        Assert.Empty(manager.QueryLogs(new LogQuery { StreamId = "missing" }));
    }

    [Fact]
    public async Task Query_across_streams_returns_an_entry_both_streams_kept_once_in_time_order()
    {
        var factory = new RecordingSinkFactory();
        var all = StreamKit.Stream("all", StreamKit.Destination("a"));
        var warnings = StreamKit.Stream("warnings", StreamKit.Destination("w"));
        warnings.Filters = [new LogFilter { Id = "w", MinimumLevel = LogLevel.Warning }];
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(all).AddStream(warnings)));
        for (var i = 0; i < 20; i++)
        {
            provider.Write(StreamKit.Entry(i, i % 5 == 0 ? LogLevel.Warning : LogLevel.Information));
        }

        await provider.FlushAsync(Ct);

        // Each stream's buffer builds its own entry object for an entry it kept: they are told apart by dispatch order.
        Assert.Equal(Enumerable.Range(0, 20), provider.Streams.QueryLogs(new LogQuery()).Select(e => e.Seq()));
        Assert.Equal([0, 5, 10, 15], provider.Streams.QueryLogs(new LogQuery { StreamId = "warnings" }).Select(e => e.Seq()));
    }

    [Fact]
    public async Task Update_keeps_unchanged_destinations_running_and_replaced_ones_write_what_they_accepted()
    {
        var factory = new RecordingSinkFactory();
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(StreamKit.Stream("s", StreamKit.Destination("keep"), StreamKit.Destination("replace")))));
        var keep = factory["s/keep"];
        var replace = factory["s/replace"];
        for (var i = 0; i < 100; i++)
        {
            provider.Write(StreamKit.Entry(i));
        }

        var config = provider.Streams.GetStream("s")!;
        config.Destinations[1].Settings["Version"] = "2";
        provider.Streams.UpdateStream(config);
        for (var i = 100; i < 200; i++)
        {
            provider.Write(StreamKit.Entry(i));
        }

        await provider.FlushAsync(Ct);
        Assert.Same(keep, factory["s/keep"]);
        Assert.NotSame(replace, factory["s/replace"]);
        Assert.Equal(Enumerable.Range(0, 200), keep.Snapshot().Select(e => e.Seq()));

        // Old and new "replace" sinks together got every entry exactly once; the old one was disposed after writing.
        var all = replace.Snapshot().Concat(factory["s/replace"].Snapshot()).Select(e => e.Seq()).Order();
        Assert.Equal(Enumerable.Range(0, 200), all);
        await WaitUntilAsync(() => replace.Disposed);
        var stats = provider.Streams.GetStreamStats("s")!;
        await WaitUntilAsync(() => provider.Streams.GetStreamStats("s")!.Written == 400);
        Assert.Equal(400, provider.Streams.GetStreamStats("s")!.DestinationReceived);
        Assert.Equal(2, stats.Destinations.Count);
    }

    [Fact]
    public async Task Remove_flushes_then_disposes_the_stream_destinations()
    {
        var factory = new RecordingSinkFactory();
        var options = StreamKit.Options(factory, o => o.FlushInterval = TimeSpan.FromHours(1));
        await using var provider = new HybridLoggerProvider(options);
        provider.Streams.CreateStream(StreamKit.Stream("temp", StreamKit.Destination("sink")));
        for (var i = 0; i < 10; i++)
        {
            provider.Write(StreamKit.Entry(i));
        }

        // Make sure the dispatcher routed them, then remove: the sink must still receive all ten.
        await WaitUntilAsync(() => provider.Streams.GetStreamStats("temp")!.DestinationReceived == 10);
        Assert.True(await provider.Streams.RemoveStreamAsync("temp", Ct));
        Assert.Equal(10, factory["temp/sink"].Count);
        Assert.True(factory["temp/sink"].Disposed);
        Assert.Null(provider.Streams.GetStreamStats("temp"));
        Assert.False(await provider.Streams.RemoveStreamAsync("temp", Ct));
    }

    [Fact]
    public async Task Invalid_stream_configurations_are_rejected_with_clear_messages()
    {
        var factory = new RecordingSinkFactory();
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory));
        var manager = provider.Streams;
        var unknownFilter = StreamKit.Stream("x", StreamKit.Destination("d", "nope"));
        Assert.Contains("unknown filter 'nope'", Assert.Throws<ArgumentException>(() => manager.CreateStream(unknownFilter)).Message, StringComparison.Ordinal);
        var noType = StreamKit.Stream("y", new LogDestinationConfig { Id = "d" });
        Assert.Contains("needs a Type", Assert.Throws<ArgumentException>(() => manager.CreateStream(noType)).Message, StringComparison.Ordinal);
        var unknownType = StreamKit.Stream("z", new LogDestinationConfig { Id = "d", Type = "NoSuchSink" });
        Assert.Contains("HybridLogging.Sinks.NoSuchSink", Assert.Throws<InvalidOperationException>(() => manager.CreateStream(unknownType)).Message, StringComparison.Ordinal);
        manager.CreateStream(StreamKit.Stream("ok", StreamKit.Destination("d")));
        Assert.Throws<ArgumentException>(() => manager.CreateStream(StreamKit.Stream("ok", StreamKit.Destination("d"))));
        Assert.Throws<KeyNotFoundException>(() => manager.UpdateStream(StreamKit.Stream("missing", StreamKit.Destination("d"))));
        Assert.Throws<InvalidOperationException>(() => manager.SubscribeToStream("ok", null, 10));
    }

    [Fact]
    public async Task Streams_bind_from_configuration_and_follow_reloads()
    {
        var factory = new RecordingSinkFactory();
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:HybridLogging:FlushInterval"] = "00:00:00.050",
                ["Logging:HybridLogging:Streams:production-errors:Filters:0:Id"] = "errors",
                ["Logging:HybridLogging:Streams:production-errors:Filters:0:Levels:0"] = "Error",
                ["Logging:HybridLogging:Streams:production-errors:Filters:0:Levels:1"] = "Critical",
                ["Logging:HybridLogging:Streams:production-errors:Filters:0:Sources:0"] = "HybridRouter",
                ["Logging:HybridLogging:Streams:production-errors:Destinations:0:Id"] = "cw",
                ["Logging:HybridLogging:Streams:production-errors:Destinations:0:Type"] = RecordingSinkFactory.TypeName,
                ["Logging:HybridLogging:Streams:production-errors:CompressionEnabled"] = "true",
            },
        };
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<ILogSinkFactory>(factory)
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddHybridLogging());
        await using var serviceProvider = services.BuildServiceProvider();
        var provider = serviceProvider.GetRequiredService<HybridLoggerProvider>();
        var manager = serviceProvider.GetRequiredService<LogStreamManager>();
        Assert.Same(provider.Streams, manager);
        var stream = Assert.Single(manager.GetStreams());
        Assert.Equal("production-errors", stream.Id);
        Assert.True(factory["production-errors/cw"].Compression);

        var logger = serviceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("App.HybridRouter");
        logger.LogError("boom");
        logger.LogInformation("fine");
        await provider.FlushAsync(Ct);
        Assert.Equal(["boom"], factory["production-errors/cw"].Snapshot().Select(e => e.Message));

        // Reload: the stream now takes Information too.
        configuration["Logging:HybridLogging:Streams:production-errors:Filters:0:Levels:2"] = "Information";
        configuration.Reload();
        await WaitUntilAsync(() => manager.GetStream("production-errors")!.Filters[0].Levels!.Count == 3);
        logger.LogInformation("now included");
        await provider.FlushAsync(Ct);
        Assert.Equal(["boom", "now included"], factory["production-errors/cw"].Snapshot().Select(e => e.Message));
    }

    [Fact]
    public async Task Real_time_and_flushed_events_are_raised_off_the_logging_path()
    {
        var factory = new RecordingSinkFactory();
        var stream = StreamKit.Stream("live", StreamKit.Destination("sink"));
        stream.RealTimeEnabled = true;
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(stream)));
        var realTime = new TaskCompletionSource<RealTimeLogEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flushed = new TaskCompletionSource<StreamFlushedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? raisedOn = null;
        provider.Streams.RealTimeLog += (_, e) =>
        {
            raisedOn = Thread.CurrentThread.IsThreadPoolThread ? "a pool thread" : Thread.CurrentThread.Name;
            realTime.TrySetResult(e);
        };
        provider.Streams.StreamFlushed += (_, e) => flushed.TrySetResult(e);
        provider.Streams.RealTimeLog += (_, _) => throw new InvalidOperationException("a broken handler is isolated");
        var subscription = provider.Streams.SubscribeToStream("live", null, 10);
        provider.Write(StreamKit.Entry(7));
        await provider.FlushAsync(Ct);
        var live = await realTime.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(("live", 7), (live.StreamId, live.Entry.Seq()));
        Assert.Equal("HybridLogging events", raisedOn); // never a pool thread, whose idle polling cost the app CPU
        var batch = await flushed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(("live", "sink", 1), (batch.StreamId, batch.DestinationId, batch.Count));
        await foreach (var entry in subscription.WithCancellation(Ct))
        {
            Assert.Equal(7, entry.Seq());
            break;
        }
    }

    [Fact]
    public async Task Flushed_events_report_the_entries_written_and_none_for_a_batch_that_failed()
    {
        var factory = new RecordingSinkFactory();
        var failing = StreamKit.Destination("down");
        failing.Settings["Fail"] = "true";
        failing.MaxRetries = 0;
        var stream = StreamKit.Stream("orders", StreamKit.Destination("up"), failing);
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o => o.AddStream(stream)));
        var events = new ConcurrentQueue<StreamFlushedEventArgs>();
        provider.Streams.StreamFlushed += (_, e) => events.Enqueue(e);
        for (var i = 0; i < 3; i++)
        {
            provider.Write(StreamKit.Entry(i));
        }

        await provider.FlushAsync(Ct);
        await WaitUntilAsync(() => events.Sum(e => e.Count) >= 3);
        await provider.FlushAsync(Ct); // events are raised from a pump: one more round trip lets a stray one arrive

        Assert.All(events, e => Assert.Equal(("orders", "up"), (e.StreamId, e.DestinationId)));
        Assert.Equal(3, events.Sum(e => e.Count));
        var down = provider.Streams.GetStreamStats("orders")!.Destinations.Single(d => d.Name.EndsWith("down", StringComparison.Ordinal));
        Assert.Equal(3, down.Failed);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Polls a condition that a background worker makes true (disposal, stats folding); bounded, never a timing assertion.
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met within 30 s");
            await Task.Delay(10, Ct);
        }
    }
}
