using System.Diagnostics.Metrics;

namespace HybridLogging.Internal;

/// <summary>
/// Publishes the pipeline counters on the <c>HybridLogging</c> meter. All instruments are observable: they read the
/// counters the pipeline keeps anyway, so metrics add nothing to the hot path.
/// </summary>
internal sealed class HybridLoggingMetrics : IDisposable
{
    public const string MeterName = "HybridLogging";

    private readonly Meter _meter;

    public HybridLoggingMetrics(HybridLoggerProvider provider)
    {
        _meter = new Meter(MeterName, typeof(HybridLoggingMetrics).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableCounter("hybridlogging.entries.produced", () => provider.GetStats().Produced, "{entry}", "Log entries that reached the pipeline.");
        _meter.CreateObservableCounter("hybridlogging.entries.dispatched", () => Levels(provider), "{entry}", "Entries rendered and routed, by level.");
        _meter.CreateObservableCounter("hybridlogging.entries.dropped", () => Dropped(provider), "{entry}", "Entries dropped before any destination, by reason.");
        _meter.CreateObservableGauge("hybridlogging.queue.utilization", () => provider.GetStats().BufferUtilization, null, "Fill of the pipeline queue (0..1).");
        _meter.CreateObservableCounter("hybridlogging.destination.written", () => PerSink(provider, s => s.Written), "{entry}", "Entries written, by destination.");
        _meter.CreateObservableCounter("hybridlogging.destination.dropped", () => PerSink(provider, s => s.Dropped), "{entry}", "Entries dropped, by destination.");
        _meter.CreateObservableCounter("hybridlogging.destination.failed", () => FailedByReason(provider), "{entry}", "Entries failed, by destination and reason.");
        _meter.CreateObservableCounter("hybridlogging.destination.events", () => SinkCounters(provider), "{event}", "Sink-specific counters (truncated, duplicates, ...), by destination and name.");
        _meter.CreateObservableCounter("hybridlogging.destination.retried", () => PerSink(provider, s => s.Retried), "{attempt}", "Retry attempts, by destination.");
        _meter.CreateObservableCounter("hybridlogging.destination.batches", () => PerSink(provider, s => s.Batches), "{batch}", "Batches attempted, by destination.");
        _meter.CreateObservableCounter("hybridlogging.destination.bytes", () => PerSink(provider, s => s.BytesWritten), "By", "Bytes written, by destination.");
        _meter.CreateObservableCounter("hybridlogging.configuration.reloads", () => Reloads(provider), "{reload}", "Configuration reloads, by outcome (applied, rejected).");
        _meter.CreateObservableGauge("hybridlogging.destination.queue.length", () => PerSink(provider, s => s.QueueLength), "{entry}", "Entries queued, by destination.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Levels(HybridLoggerProvider provider)
    {
        foreach (var (level, count) in provider.GetStats().ByLevel)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("level", LogLevelNames.Get(level)));
        }
    }

    private static IEnumerable<Measurement<long>> Dropped(HybridLoggerProvider provider)
    {
        var stats = provider.GetStats();
        yield return new Measurement<long>(stats.DroppedQueueFull, new KeyValuePair<string, object?>("reason", "queue_full"));
        yield return new Measurement<long>(stats.DroppedShutdown, new KeyValuePair<string, object?>("reason", "shutdown"));
    }

    private static IEnumerable<Measurement<long>> Reloads(HybridLoggerProvider provider)
    {
        var reloads = provider.Reloads;
        yield return new Measurement<long>(reloads.Applied, new KeyValuePair<string, object?>("outcome", "applied"));
        yield return new Measurement<long>(reloads.Rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
    }

    private static IEnumerable<Measurement<long>> FailedByReason(HybridLoggerProvider provider)
    {
        foreach (var sink in provider.GetStats().Sinks)
        {
            var explained = 0L;
            foreach (var (reason, count) in sink.FailedByReason)
            {
                explained += count;
                yield return Tagged(count, sink, "reason", reason);
            }

            if (sink.Failed > explained)
            {
                yield return Tagged(sink.Failed - explained, sink, "reason", "unknown");
            }
        }
    }

    private static IEnumerable<Measurement<long>> SinkCounters(HybridLoggerProvider provider)
    {
        foreach (var sink in provider.GetStats().Sinks)
        {
            foreach (var (name, count) in sink.Counters)
            {
                yield return Tagged(count, sink, "name", name);
            }
        }
    }

    private static Measurement<long> Tagged(long value, SinkStats sink, string key, string tag) => new(
        value,
        new KeyValuePair<string, object?>("destination", sink.Name),
        new KeyValuePair<string, object?>("stream", sink.Stream ?? string.Empty),
        new KeyValuePair<string, object?>(key, tag));

    private static IEnumerable<Measurement<long>> PerSink(HybridLoggerProvider provider, Func<SinkStats, long> read)
    {
        foreach (var sink in provider.GetStats().Sinks)
        {
            yield return new Measurement<long>(
                read(sink),
                new KeyValuePair<string, object?>("destination", sink.Name),
                new KeyValuePair<string, object?>("stream", sink.Stream ?? string.Empty));
        }
    }
}
