using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Benchmarks.Peers;
using HybridLogging.Insights;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Insights;

/// <summary>
/// Per-entry cost of <see cref="LogInsights.OnEntry"/> on the dispatcher thread (patterns, error groups, windowed stats,
/// latency sketch), to compare with the end-to-end time per entry of the peers <c>sample</c> workload (RESULTS.md).
/// <c>SampleCycle</c>: the views the dispatcher builds for one 46-call cycle of <see cref="SampleWorkload"/> (templated
/// <c>[LoggerMessage]</c> calls, 4 with an exception). <c>FreeText</c>: 46 messages without a template (access and request
/// lines, database and SDK errors, exception messages and application text, one with nothing variable in it), so every
/// entry goes through the normaliser.
/// </summary>
[MemoryDiagnoser]
public class InsightsObserverBenchmarks
{
    private static readonly string[] FreeText =
    [
        "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
        "User 4411 logged in from 10.0.0.7",
        "Executed DbCommand (12ms) [Parameters=[@__id_0='42'], CommandType='Text', CommandTimeout='30']",
        "Retrying CloudWatch PutLogEvents in 250ms (attempt 3 of 5)",
        "Order 5f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8 shipped on 2026-12-01",
        "System.IO.FileNotFoundException: Could not find file '/var/app/config/settings.Production.json'.",
        "Request finished HTTP/1.1 GET http://localhost:5000/api/orders/4411 - 200 - application/json 3.2154ms",
        "Npgsql.PostgresException: 23505: duplicate key value violates unique constraint \"ix_users_email\"",
        "Connection to cache-01.internal:6379 lost, reconnecting",
        "Payment declined for customer 4411: insufficient funds",
        "Cache warmed up with all product categories",
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
        var breaker = new CaptureLogger(settings.ResolveCategory(SampleLog.BreakerCategory));
        var workload = new SampleWorkload(46, 1);
        workload.Run(0, router, breaker, correlationContext: true);
        var now = DateTime.UtcNow.Ticks;
        foreach (var pending in router.Captured.Concat(breaker.Captured).OrderBy(p => p.Sequence).Select(p => p.Entry))
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
                Message = FreeText[i % FreeText.Length].Replace("4411", (4411 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
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
            _insights.OnEntry(view);
        }
    }

    [Benchmark(OperationsPerInvoke = 46)]
    public void FreeTextCycle()
    {
        foreach (var view in _freeText)
        {
            _insights.OnEntry(view);
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

    private sealed class CaptureLogger(CategoryState category) : ILogger
    {
        private static long _sequence;

        public List<(long Sequence, PendingEntry Entry)> Captured { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pending = PendingEntry<TState>.Rent(state, formatter);
            pending.Level = logLevel;
            pending.EventId = eventId;
            pending.Exception = exception;
            pending.Category = category;
            Captured.Add((Interlocked.Increment(ref _sequence), pending));
        }
    }
}
