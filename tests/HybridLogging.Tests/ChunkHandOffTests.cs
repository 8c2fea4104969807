using System.Text;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// When the dispatcher hands a chunk of formatted records to its destinations: at once to a destination with nothing
/// queued, later (fuller) to one that still has work, and always before it sleeps or answers a flush.
/// </summary>
public sealed class ChunkHandOffTests
{
    [Fact]
    public async Task A_chunk_keeps_filling_while_every_destination_of_its_group_has_work_queued()
    {
        // A replacement destination takes nothing off its queue until its predecessor stops: what is posted stays.
        var predecessor = new TaskCompletionSource();
        await using var worker = HeldWorker("held", predecessor.Task);
        using var release = OnDispose(predecessor.SetResult);
        var table = Table(worker);
        var group = Assert.Single(table.Groups);

        group.Current = ChunkOf(1);
        table.HandOffAll(all: false);
        Assert.Null(group.Current); // nothing was queued: the destination gets the chunk at once
        Assert.Equal(1, worker.QueueLength);

        var filling = group.Current = ChunkOf(2);
        table.HandOffAll(all: false);
        Assert.Same(filling, group.Current); // work is queued: the chunk stays to be filled further
        Assert.Equal(1, worker.QueueLength);

        table.HandOffAll();
        Assert.Null(group.Current);
        Assert.Equal(3, worker.QueueLength);
    }

    [Fact]
    public async Task A_chunk_goes_out_at_the_end_of_a_round_when_one_destination_of_its_group_has_nothing_queued()
    {
        var predecessor = new TaskCompletionSource();
        await using var busy = HeldWorker("busy", predecessor.Task);
        await using var idle = HeldWorker("idle", predecessor.Task);
        using var release = OnDispose(predecessor.SetResult);
        var table = Table(busy, idle);
        var group = Assert.Single(table.Groups);
        busy.PostRecords(ChunkOf(1));

        group.Current = ChunkOf(2);
        table.HandOffAll(all: false);

        Assert.Null(group.Current);
        Assert.Equal(3, busy.QueueLength);
        Assert.Equal(2, idle.QueueLength);
    }

    [Fact]
    public async Task Records_gathered_for_a_busy_destination_are_queued_there_once_logging_stops()
    {
        using var hold = new SemaphoreSlim(0);
        var sink = new LinesSink { Hold = hold };
        var options = new HybridLoggingOptions { BatchSize = 5, FlushInterval = TimeSpan.FromMilliseconds(5) };
        options.AddSink("lines", sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.HandOff");

        // Bursts with pauses between them: many dispatcher rounds end while the held sink's destination has work queued.
        for (var burst = 0; burst < 20; burst++)
        {
            LogBurst(logger, "Burst", burst);
            await Task.Delay(2, TestProvider.Token);
        }

        // The sink is still held, so its destination keeps work queued: only the dispatcher's going to sleep sends the
        // last chunk on. Without that, the records would wait at the dispatcher until the next log call.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (provider.GetStats().Sinks.Single().Received < 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestProvider.Token);
        }

        Assert.Equal(200, provider.GetStats().Sinks.Single().Received);
        hold.Release();
        await provider.FlushAsync(TestProvider.Token);
        Assert.Equal(200, sink.Lines.Count);
        Assert.Equal(200, provider.GetStats().Sinks.Single().Written);
    }

    [Fact]
    public async Task Flush_covers_the_records_being_gathered_for_a_destination_that_is_still_busy()
    {
        // Debug fillers for a second destination keep the dispatcher busy, so it never reaches its sleep (where it hands
        // everything off anyway): only the flush can send the marker's chunk on while the lines destination has work.
        var sink = new LinesSink();
        var options = new HybridLoggingOptions
        {
            FlushInterval = TimeSpan.FromHours(1),
            FullMode = QueueFullMode.Block,
            BlockTimeout = TimeSpan.FromMinutes(1),
        };
        options.AddSink("lines", sink, s =>
        {
            s.MinimumLevel = LogLevel.Information;
            s.BatchSize = 5;
        });
        options.AddSink("count", new CountingSink());
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.HandOff");
        using var stop = new CancellationTokenSource();
        var filler = Task.Run(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    logger.LogDebug("Filler");
                }
            },
            TestProvider.Token);

        for (var i = 0; i < 5; i++)
        {
            using var hold = new SemaphoreSlim(0);
            sink.Delay = TimeSpan.Zero;
            sink.Hold = hold;
            LogBurst(logger, "First", i); // handed on at once, then stuck in the held write
            await Task.Delay(20, TestProvider.Token);
            LogBurst(logger, "Second", i); // handed on at once too (the first was taken off the queue), and stays queued
            await Task.Delay(20, TestProvider.Token);
            logger.LogInformation("Marker {Index}", i); // work is queued: the marker's record waits in the chunk
            await Task.Delay(20, TestProvider.Token);

            // Slow writes from here on: a flush that left the marker behind returns before the marker is written.
            var flush = provider.FlushAsync(TestProvider.Token);
            sink.Delay = TimeSpan.FromMilliseconds(50);
            sink.Hold = null;
            hold.Release();
            await flush;
            Assert.Contains(sink.Lines, line => line.Contains($"\"message\":\"Marker {i}\"", StringComparison.Ordinal));
        }

        await stop.CancelAsync();
        await filler;
    }

    private static void LogBurst(ILogger logger, string name, int round)
    {
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("{Burst} burst of round {Round}: {Index}", name, round, i);
        }
    }

    private static Disposer OnDispose(Action action) => new(action);

    private static SinkWorker HeldWorker(string name, Task predecessorStopped) =>
        new(name, () => new LinesSink(), new SinkOptions(), new HybridLoggingOptions(), null, predecessorStopped, JsonLogFormatter.Instance);

    private static RouteTable Table(params SinkWorker[] workers) =>
        new(workers, null, [], [], [], [.. workers.Select(w => new RouteDestination(w, -1, FilterSet.PassAll))], 1);

    internal static Utf8Chunk ChunkOf(int records)
    {
        var chunk = Utf8Chunk.Rent();
        for (var i = 0; i < records; i++)
        {
            var start = chunk.Length;
            chunk.Write(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}\n"));
            chunk.CompleteRecord(start, Info());
        }

        return chunk;
    }

    internal static RecordInfo Info() => new(0, 0, 0, 0, LogLevel.Information, "Tests", null);

    private sealed class Disposer(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private sealed class CountingSink : ILogSink
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _count, batch.Count);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
