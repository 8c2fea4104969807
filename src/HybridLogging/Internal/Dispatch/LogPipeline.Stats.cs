using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>The pipeline's accounting: its counters as <see cref="HybridLoggingStats"/>, and the periodic report of drops.</summary>
internal sealed partial class LogPipeline
{
    public HybridLoggingStats GetStats(IReadOnlyList<SinkStats> sinks)
    {
        var byLevel = new Dictionary<LogLevel, long>();
        for (var i = 0; i < 7; i++)
        {
            var count = _dispatcher.CountAt(i);
            if (count > 0)
            {
                byLevel[(LogLevel)i] = count;
            }
        }

        var bySource = new Dictionary<string, long>(_dispatcher.BySource(), StringComparer.Ordinal);
        var dispatched = _dispatcher.Dispatched;
        var errors = byLevel.GetValueOrDefault(LogLevel.Error) + byLevel.GetValueOrDefault(LogLevel.Critical);
        var latencyCount = _dispatcher.LatencyCount;
        var droppedNewest = _queue.DroppedNewest;
        var droppedShutdown = Volatile.Read(ref _droppedShutdown);
        return new HybridLoggingStats
        {
            Produced = _queue.EnqueuedCount + droppedNewest + droppedShutdown,
            Dispatched = dispatched,
            DroppedQueueFull = droppedNewest + _queue.DroppedOldest,
            DroppedShutdown = droppedShutdown + Volatile.Read(ref _droppedStragglers),
            QueueLength = _queue.Count,
            QueueCapacity = _queue.Capacity,
            ByLevel = byLevel,
            BySource = bySource,
            ErrorRate = dispatched == 0 ? 0 : (double)errors / dispatched,
            AverageLatencyMs = latencyCount == 0 ? 0 : _dispatcher.LatencySumMs / latencyCount,
            Sinks = sinks,
        };
    }

    private void ReportDrops(bool force)
    {
        var now = Stopwatch.GetTimestamp();
        if (!force && now - _lastReportTimestamp < Stopwatch.Frequency * 10)
        {
            return;
        }

        _lastReportTimestamp = now;
        var dropped = _queue.DroppedNewest + _queue.DroppedOldest + Volatile.Read(ref _droppedShutdown) + Volatile.Read(ref _droppedStragglers);
        if (dropped != _lastReportedDrops)
        {
            SelfLog.Report($"{dropped - _lastReportedDrops} log entries dropped since the last report ({dropped} in total): the queue of {_queue.Capacity} was full or the pipeline was shutting down.");
            _lastReportedDrops = dropped;
        }
    }
}
