using System.Buffers;
using System.Diagnostics;
using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class ScratchPerf
{
    [Fact]
    public async Task Measure()
    {
        foreach (var withRules in new[] { "none", "count", "pattern", "all", "none", "count", "level", "pattern", "all" })
        {
            await using var insights = AlertKit.Insights(TimeProvider.System, a =>
            {
                if (withRules is "count" or "all") a.Rules["count"] = new AlertRule { Threshold = 1e9 };
                if (withRules is "all") a.Rules["rate"] = new AlertRule { Kind = AlertRuleKind.ErrorRate, Threshold = 100 };
                if (withRules is "pattern" or "all") a.Rules["pattern"] = new AlertRule { Kind = AlertRuleKind.MessagePattern, Pattern = @"OutOfMemory|deadlock detected" };
                if (withRules is "level" or "all") a.Rules["level"] = new AlertRule { Kind = AlertRuleKind.Level };
                if (withRules is "all") a.Rules["silence"] = new AlertRule { Kind = AlertRuleKind.Silence };
            });
            var entries = Enumerable.Range(0, 8).Select(i => new LogEntry { Level = i % 4 == 0 ? LogLevel.Error : LogLevel.Information, Source = "Source" + (i % 4), Category = "App.Source" + (i % 4), Message = "Request 12345 to /api/orders/987 completed in 118 ms with status 200" }).ToArray();
            var feeder = new Feeder(insights);
            var buffer = new ArrayBufferWriter<byte>();
            const int n = 3_000_000;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                feeder.Write(entries[i & 7], buffer);
            }
            sw.Stop();
            TestContext.Current.SendDiagnosticMessage($"rules={withRules}: {sw.Elapsed.TotalNanoseconds / n:0.0} ns/entry");
            Console.WriteLine($"PERF rules={withRules}: {sw.Elapsed.TotalNanoseconds / n:0.0} ns/entry");
        }
    }

    private sealed class Feeder(ILogEntryObserver observer) : LogEntryFormatter
    {
        public override string Key => "f";
        public override void Write(LogEntryView entry, IBufferWriter<byte> output) => observer.OnEntry(entry);
    }
}
