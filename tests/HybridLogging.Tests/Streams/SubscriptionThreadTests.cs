using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>Where a live subscription's reader runs, and that its wake thread ends with it.</summary>
public sealed class SubscriptionThreadTests
{
    [Fact]
    public async Task A_waiting_reader_resumes_on_its_subscriptions_own_thread_which_ends_with_the_subscription()
    {
        await using var provider = TestProvider.Create(new CollectingSink());
        var logger = provider.CreateLogger("Tests.Subscriber");
        var subscription = provider.Streams.Subscribe(null, 1000);
        var readOn = new List<(string? Name, bool Pool)>();
        Thread? wakeThread = null;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(
            async () =>
            {
                started.SetResult();
                await foreach (var entry in subscription)
                {
                    readOn.Add((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
                    if (!Thread.CurrentThread.IsThreadPoolThread)
                    {
                        wakeThread ??= Thread.CurrentThread; // not a pool thread that read entries buffered before a wait
                    }

                    if (readOn.Count == 400)
                    {
                        break; // ends the subscription
                    }
                }
            },
            TestProvider.Token);

        // Bursts with pauses, so the reader waits (and is woken) many times.
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestProvider.Token);
        for (var burst = 0; burst < 200 && !reader.IsCompleted; burst++)
        {
            for (var i = 0; i < 10; i++)
            {
                logger.LogInformation("burst {Burst} entry {I}", burst, i);
            }

            await Task.Delay(2, TestProvider.Token);
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(30), TestProvider.Token);
        Assert.Equal(400, readOn.Count);

        // Entries already buffered when the loop starts are read where it starts (a pool thread here, if the task ran
        // late); once the reader has waited, every entry is read after a wake-up: on the subscription's thread, never
        // on a pool thread (whose idle polling is what the thread avoids) or the dispatcher.
        var woken = readOn.SkipWhile(r => r.Pool).ToList();
        Assert.True(woken.Count >= 100, $"only {woken.Count} of 400 entries were read after a wait");
        Assert.All(woken, r => Assert.Equal(("HybridLogging subscriber", false), r));
        Assert.NotNull(wakeThread);
        Assert.True(wakeThread.Join(TimeSpan.FromSeconds(10)), "the wake thread ended with the subscription");
    }
}
