using System.Buffers;
using System.Collections.Concurrent;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Insights.Tests.Alerts;

/// <summary>Builds insights with alert rules on a fake clock and feeds it real pipeline views of entries.</summary>
internal static class AlertKit
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static LogInsights Insights(TimeProvider time, Action<AlertOptions> configure)
    {
        var options = new InsightsOptions();
        options.Alerts.LogNotices = false;
        configure(options.Alerts);
        return new LogInsights(options, time);
    }

    /// <summary>
    /// Advances the clock one second at a time: FakeTimeProvider.Advance runs every timer that falls due with the clock
    /// already at the end of the step, so one large step would evaluate every tick at the final time.
    /// </summary>
    public static void Step(this FakeTimeProvider clock, TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
        {
            clock.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    public static void Feed(this LogInsights insights, string source, LogLevel level, string message = "Something happened", int times = 1)
    {
        var entry = new LogEntry { Timestamp = DateTimeOffset.UtcNow, Level = level, Source = source, Category = "App." + source, Message = message };
        var feeder = new ViewFeeder(insights);
        var sink = new ArrayBufferWriter<byte>();
        for (var i = 0; i < times; i++)
        {
            feeder.Write(entry, sink);
        }
    }

    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    // The public way to get a genuine LogEntryView from an entry object: a formatter's Write(LogEntry) loads a view
    // and hands it to Write(LogEntryView), which here passes it to the observer as the dispatcher would.
    private sealed class ViewFeeder(ILogEntryObserver observer) : LogEntryFormatter
    {
        public override string Key => "test-feeder";

        public override void Write(LogEntryView entry, IBufferWriter<byte> output) => observer.OnEntry(entry);
    }
}

/// <summary>Keeps every entry written to it.</summary>
internal sealed class CollectingSink : ILogSink
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            Entries.Enqueue(entry);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
