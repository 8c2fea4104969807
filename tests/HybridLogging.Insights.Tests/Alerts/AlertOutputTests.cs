using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class AlertOutputTests
{
    [Fact]
    public async Task Events_and_every_reader_get_each_notice_and_a_throwing_handler_is_counted_without_stopping_others()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["fatal"] = new AlertRule { Kind = AlertRuleKind.Level, Window = TimeSpan.FromSeconds(5) });
        var ct = TestContext.Current.CancellationToken;
        var raised = new TaskCompletionSource<(object? Sender, Alert Alert)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resolved = new TaskCompletionSource<Alert>(TaskCreationOptions.RunContinuationsAsynchronously);
        insights.AlertRaised += (_, _) => throw new InvalidOperationException("handler bug");
        insights.AlertRaised += (sender, alert) => raised.TrySetResult((sender, alert));
        insights.AlertResolved += (_, alert) => resolved.TrySetResult(alert);
        await using var first = insights.ReadAlertsAsync(ct).GetAsyncEnumerator(ct);
        await using var second = insights.ReadAlertsAsync(ct).GetAsyncEnumerator(ct);
        var firstNext = first.MoveNextAsync(); // enumeration starts: the reader is subscribed
        var secondNext = second.MoveNextAsync();

        insights.Feed("Db", LogLevel.Critical, "Replica lost");
        var (sender, alert) = await raised.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        clock.Step(TimeSpan.FromSeconds(5));
        var end = await resolved.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Same(insights, sender);
        Assert.Equal((AlertState.Raised, "Db"), (alert.State, alert.Source));
        Assert.Equal((AlertState.Resolved, alert.RaisedAt, AlertKit.Start + TimeSpan.FromSeconds(5)), (end.State, end.RaisedAt, end.ResolvedAt));
        foreach (var (reader, next) in new[] { (first, firstNext), (second, secondNext) })
        {
            Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct));
            Assert.Same(alert, reader.Current);
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct));
            Assert.Same(end, reader.Current);
        }

        await AlertKit.Eventually(() => insights.GetAlertStats().HandlerErrors == 1, "the handler error count");
    }

    [Fact]
    public async Task A_reader_that_falls_behind_loses_the_oldest_notices_counted_and_readers_end_on_dispose()
    {
        var clock = AlertKit.Clock();
        var insights = AlertKit.Insights(clock, a =>
        {
            a.Rules["fatal"] = new AlertRule { Kind = AlertRuleKind.Level };
            a.QueueSize = 3;
        });
        var ct = TestContext.Current.CancellationToken;
        var seen = new List<string>();
        var allPosted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        insights.AlertRaised += (_, _) =>
        {
            if (Interlocked.Increment(ref count) == 10)
            {
                allPosted.TrySetResult();
            }
        };
        var reader = insights.ReadAlertsAsync(ct).GetAsyncEnumerator(ct);
        var pending = reader.MoveNextAsync();

        // Posted one by one (the outbox also holds 3): the reader reads nothing until all ten went by.
        for (var i = 0; i < 10; i++)
        {
            insights.Feed("S" + i, LogLevel.Critical, "boom");
            await AlertKit.Eventually(() => Volatile.Read(ref count) == i + 1, "notice " + i);
        }

        await allPosted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await insights.DisposeAsync();
        while (await pending)
        {
            seen.Add(reader.Current.Source);
            pending = reader.MoveNextAsync();
        }

        Assert.Equal(["S7", "S8", "S9"], seen[^3..]);
        Assert.Equal(10 - seen.Count, insights.GetAlertStats().Dropped);
        await reader.DisposeAsync();
    }
}
