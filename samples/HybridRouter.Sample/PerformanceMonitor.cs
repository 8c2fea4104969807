using Microsoft.Extensions.Logging;

namespace HybridRouter.Sample;

/// <summary>Collects per-request results and logs the run summary (source <c>PerformanceMonitor</c>).</summary>
public sealed partial class PerformanceMonitor
{
    private readonly ILogger<PerformanceMonitor> _logger;
    private readonly SimulatedClock _clock;
    private readonly List<double> _latencies = [];
    private int _requests;
    private int _failed;
    private int _fallbacks;

    /// <summary>Creates the monitor.</summary>
    public PerformanceMonitor(ILogger<PerformanceMonitor> logger, SimulatedClock clock)
    {
        _logger = logger;
        _clock = clock;
    }

    /// <summary>Records one finished request.</summary>
    public void Record(double durationMs, bool succeeded, bool usedFallback)
    {
        lock (_latencies)
        {
            _requests++;
            _latencies.Add(durationMs);
            _failed += succeeded ? 0 : 1;
            _fallbacks += usedFallback ? 1 : 0;
        }
    }

    /// <summary>Logs and returns the summary of everything recorded.</summary>
    public RunSummary LogSummary()
    {
        RunSummary summary;
        lock (_latencies)
        {
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var sorted = _latencies.Order().ToArray();
            summary = new RunSummary(
                _requests,
                _failed,
                _fallbacks,
                Math.Round(_requests / seconds, 2),
                _requests == 0 ? 0 : Math.Round((double)_failed / _requests, 4),
                sorted.Length == 0 ? 0 : Math.Round(sorted.Average(), 1),
                sorted.Length == 0 ? 0 : sorted[(int)Math.Ceiling(sorted.Length * 0.95) - 1]);
        }

        LogRunSummary(_logger, summary.Requests, summary.Throughput, summary.ErrorRate, summary.AverageLatencyMs, summary.P95LatencyMs, summary.Fallbacks);
        return summary;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Run summary: {RequestCount} requests, {Throughput} req/s (simulated time), error rate {ErrorRate}, mean latency {LatencyMs} ms, p95 {P95LatencyMs} ms, {FallbackCount} fallbacks")]
    private static partial void LogRunSummary(ILogger logger, int requestCount, double throughput, double errorRate, double latencyMs, double p95LatencyMs, int fallbackCount);
}

/// <summary>Figures of one run.</summary>
/// <param name="Requests">Requests routed.</param>
/// <param name="Failed">Requests that failed on every provider.</param>
/// <param name="Fallbacks">Requests answered by the fallback provider.</param>
/// <param name="Throughput">Requests per second of simulated time.</param>
/// <param name="ErrorRate">Share of failed requests (0..1).</param>
/// <param name="AverageLatencyMs">Mean request duration.</param>
/// <param name="P95LatencyMs">95th percentile request duration.</param>
public sealed record RunSummary(int Requests, int Failed, int Fallbacks, double Throughput, double ErrorRate, double AverageLatencyMs, double P95LatencyMs);
