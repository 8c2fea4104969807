using HybridLogging.Internal;

namespace HybridLogging.Tests.Streams;

/// <summary>
/// The stream manager's events are raised in order on a thread of their own; posting never blocks, a full queue drops
/// its oldest events and counts them, and completing raises what is queued first.
/// </summary>
public sealed class StreamEventThreadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_raised_in_order_on_the_events_thread_and_completing_raises_what_is_queued()
    {
        var raised = new List<(int Item, string? Thread, bool Pool)>();
        var events = new StreamEventThread(
            item => raised.Add(((int)item, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread)),
            () => Assert.Fail("nothing may be dropped"));

        for (var i = 0; i < 1_000; i++)
        {
            events.Post(i);
        }

        await events.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(Enumerable.Range(0, 1_000), raised.Select(r => r.Item));
        Assert.All(raised, r => Assert.Equal(("HybridLogging events", false), (r.Thread, r.Pool)));
    }

    [Fact]
    public async Task Quiet_posts_wait_for_the_dispatchers_signal_and_a_handler_that_falls_behind_loses_the_oldest()
    {
        using var release = new ManualResetEventSlim();
        var raised = new List<int>();
        long dropped = 0;
        var events = new StreamEventThread(
            item =>
            {
                release.Wait(Ct);
                raised.Add((int)item);
            },
            () => Interlocked.Increment(ref dropped));

        // The first event holds the handler; the queue then fills past its capacity with posts that never block.
        events.Post(-1);
        var posted = StreamEventThread.Capacity + 100;
        for (var i = 0; i < posted; i++)
        {
            events.PostQuietly(i);
        }

        events.Signal();
        Assert.InRange(Interlocked.Read(ref dropped), 100, 101); // 101 when the held event was still queued, not taken
        release.Set();
        await events.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // What is left is the newest events, in order, and every posted event was raised or counted as dropped.
        Assert.Equal(posted + 1, raised.Count + Interlocked.Read(ref dropped));
        Assert.Equal(posted - 1, raised[^1]);
        Assert.True(raised.Skip(1).Zip(raised.Skip(2)).All(p => p.Second == p.First + 1));
    }

    [Fact]
    public async Task Completing_an_events_thread_that_was_never_posted_to_finishes_at_once()
    {
        var events = new StreamEventThread(_ => Assert.Fail("nothing was posted"), () => { });

        await events.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(1), Ct);

        Assert.True(events.CompleteAsync().IsCompletedSuccessfully);
    }
}
