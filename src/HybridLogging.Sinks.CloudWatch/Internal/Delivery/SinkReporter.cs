using System.Collections.Concurrent;

namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>
/// The sink's self-log: each kind of problem at most once a minute (a failing service must not flood the self-log), and
/// an authentication problem once until calls succeed again.
/// </summary>
internal sealed class SinkReporter(string sinkName, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public void Report(string kind, string message)
    {
        var now = time.GetTimestamp();
        var last = _last.GetOrAdd(kind, long.MinValue);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        _last[kind] = now;
        HybridSelfLog.Report($"CloudWatch sink '{sinkName}': {message}");
    }

    /// <summary>Reports without the rate limit (the caller already makes it once per episode).</summary>
    public void ReportNow(string message) => HybridSelfLog.Report($"CloudWatch sink '{sinkName}': {message}");
}
