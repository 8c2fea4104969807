using System.Diagnostics;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;

namespace HybridLogging.Tests;

/// <summary>The wake-up the pipeline's threads sleep on (<see cref="WakeSignal"/>).</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public void A_set_with_nobody_waiting_is_kept_for_the_next_wait_and_taken_by_it()
    {
        var signal = new WakeSignal();
        signal.Set();
        Assert.True(signal.IsSet);

        Assert.True(signal.Wait(TimeSpan.FromSeconds(30))); // returns at once: the set was kept
        Assert.False(signal.IsSet);
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(20))); // taken: the next wait sleeps until its timeout
    }

    [Fact]
    public void A_wait_without_a_set_sleeps_until_its_timeout()
    {
        var signal = new WakeSignal();
        var watch = Stopwatch.StartNew();
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(45), $"woke after {watch.Elapsed}");
    }

    [Fact]
    public void A_set_wakes_every_thread_waiting_at_the_time()
    {
        var signal = new WakeSignal();
        using var waiting = new CountdownEvent(3);
        var woken = 0;
        var waiters = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            waiting.Signal();
            signal.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Increment(ref woken);
        })).ToList();
        waiters.ForEach(t => t.Start());
        waiting.Wait(TestProvider.Token);

        // The waiters announced themselves; give them time to block, then one set must release all three.
        Thread.Sleep(100);
        signal.Set();
        Assert.All(waiters, t => Assert.True(t.Join(TimeSpan.FromSeconds(10)), "a waiter stayed asleep"));
        Assert.Equal(3, woken);
    }

    [Fact]
    public void No_set_is_lost_between_a_waker_and_a_sleeper_that_race()
    {
        // The pipeline's protocol: the sleeper announces itself, checks for work, then waits; the waker publishes work,
        // then sets if the sleeper announced. Ping-pong: each round's work is published once the last is taken, so a
        // wait that ends by its timeout instead of a set is a lost wake-up.
        const int Rounds = 5_000;
        var signal = new WakeSignal();
        var work = 0;
        var taken = 0;
        var sleeping = 0;
        var timeouts = 0;
        var sleeper = new Thread(() =>
        {
            for (var round = 1; round <= Rounds; round++)
            {
                while (Volatile.Read(ref work) < round)
                {
                    Interlocked.Exchange(ref sleeping, 1);
                    if (Volatile.Read(ref work) < round && !signal.Wait(TimeSpan.FromSeconds(2)))
                    {
                        timeouts++;
                    }

                    Interlocked.Exchange(ref sleeping, 0);
                }

                Volatile.Write(ref taken, round);
            }
        });
        sleeper.Start();
        for (var round = 1; round <= Rounds; round++)
        {
            if (round % 3 == 0)
            {
                Thread.Sleep(0); // now and then let the sleeper get into its wait first
            }

            Interlocked.Exchange(ref work, round);
            if (Interlocked.Exchange(ref sleeping, 0) != 0)
            {
                signal.Set();
            }

            while (Volatile.Read(ref taken) < round)
            {
                Thread.Yield();
            }
        }

        Assert.True(sleeper.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, timeouts);
    }
}
