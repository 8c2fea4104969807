using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Benchmarks.Peers;
using HybridLogging.Insights;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;
using static System.FormattableString;

namespace HybridLogging.Benchmarks.Insights;

/// <summary>
/// Per-entry cost of <see cref="ILogEntryObserver.OnEntry"/> of <see cref="LogInsights"/> on the dispatcher thread (patterns, error groups, windowed stats,
/// latency sketch), to compare with the end-to-end time per entry of the peers <c>sample</c> workload (RESULTS.md).
/// <c>SampleCycle</c>: the views the dispatcher builds for one 46-call cycle of <see cref="SampleWorkload"/> (templated
/// <c>[LoggerMessage]</c> calls, 4 with an exception). <c>FreeText</c>: 46 messages without a template (access and request
/// lines, database and SDK errors, exception messages and application text, one with nothing variable in it), so every
/// entry goes through the normaliser.
/// </summary>
[MemoryDiagnoser]
public class InsightsObserverBenchmarks
{
    // The variable parts change from entry to entry as in a real log (addresses, times, ids, durations, sizes), so no
    // message text repeats within a cycle: nothing can be saved by remembering a message.
    private static readonly Func<int, string>[] FreeText =
    [
        i => Invariant($"10.0.{i % 7}.{i + 11} - - [10/Oct/2000:13:{i % 60:00}:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 {2326 + (i * 37)}"),
        i => Invariant($"User {4411 + i} logged in from 10.0.0.{i + 7}"),
        i => Invariant($"Executed DbCommand ({i % 40}ms) [Parameters=[@__id_0='{42 + i}'], CommandType='Text', CommandTimeout='30']"),
        i => Invariant($"Retrying CloudWatch PutLogEvents in {250 * (1 + (i % 4))}ms (attempt {1 + (i % 5)} of 5)"),
        i => Invariant($"Order {new Guid(i, 0x0b9a, 0x4876, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0, 0xa9, 0xb8)} shipped on 2026-12-{1 + (i % 28):00}"),
        i => Invariant($"System.IO.FileNotFoundException: Could not find file '/var/app/config/settings.Production.json'."),
        i => Invariant($"Request finished HTTP/1.1 GET http://localhost:5000/api/orders/{4411 + i} - 200 - application/json {3.2154 + i}ms"),
        i => Invariant($"Npgsql.PostgresException: 23505: duplicate key value violates unique constraint \"ix_users_email\""),
        i => Invariant($"Connection to cache-0{1 + (i % 3)}.internal:6379 lost, reconnecting"),
        i => Invariant($"Payment declined for customer {4411 + i}: insufficient funds"),
        i => Invariant($"Cache warmed up with all product categories"),
    ];

    private readonly List<LogEntryView> _sample = [];
    private readonly List<LogEntryView> _freeText = [];
    private readonly HybridLogging.Insights.Patterns.MessageNormalizer _normalizer = new(500);
    private LogInsights _insights = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new PipelineSettings(new HybridLoggingOptions());
        var builder = new ViewBuilder();
        var router = new CaptureLogger(settings.ResolveCategory(SampleLog.RouterCategory));
        var breaker = new CaptureLogger(settings.ResolveCategory(SampleLog.BreakerCategory), router.Captured);
        var workload = new SampleWorkload(46, 1);
        workload.Run(0, router, breaker, correlationContext: true);
        var now = DateTime.UtcNow.Ticks;
        foreach (var pending in router.Captured)
        {
            pending.TimestampTicks = now;
            var view = new LogEntryView();
            builder.Build(pending, settings, view, _sample.Count);
            _sample.Add(view);
        }

        for (var i = 0; i < 46; i++)
        {
            var view = new LogEntryView();
            view.Load(new LogEntry
            {
                Timestamp = new DateTimeOffset(now, TimeSpan.Zero),
                Level = i % 7 == 0 ? LogLevel.Error : LogLevel.Information,
                Source = "Legacy",
                Category = "Legacy",
                Message = FreeText[i % FreeText.Length](i),
            });
            _freeText.Add(view);
        }

        _insights = new LogInsights();
        SampleCycle(); // first sight of each pattern (allocations of new entries) outside the measurement
        FreeTextCycle();
    }

    [GlobalCleanup]
    public void Cleanup() => _insights.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = 46)]
    public void SampleCycle()
    {
        foreach (var view in _sample)
        {
            ((ILogEntryObserver)_insights).OnEntry(view);
        }
    }

    [Benchmark(OperationsPerInvoke = 46)]
    public void FreeTextCycle()
    {
        foreach (var view in _freeText)
        {
            ((ILogEntryObserver)_insights).OnEntry(view);
        }
    }

    /// <summary>The normaliser alone on the same free text (the rest of <see cref="FreeTextCycle"/> is the table update).</summary>
    [Benchmark(OperationsPerInvoke = 46)]
    public int NormalizeOnly()
    {
        var length = 0;
        foreach (var view in _freeText)
        {
            length += _normalizer.Normalize(view.Message).Length;
        }

        return length;
    }
}
