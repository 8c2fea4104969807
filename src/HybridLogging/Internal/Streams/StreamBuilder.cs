using Microsoft.Extensions.Configuration;

namespace HybridLogging.Internal;

/// <summary>
/// Builds a stream's runtime from its configuration (compiled filters, destination workers, recent buffer), reusing
/// the running destinations an update leaves unchanged, and reads a stream's statistics.
/// </summary>
internal sealed class StreamBuilder(HybridLoggerProvider provider, Action<string, string, int> batchWritten)
{
    /// <summary>Builds a stream runtime, reusing the previous version's destinations whose fingerprint is unchanged.</summary>
    public StreamRuntime Build(LogStreamConfig config, StreamRuntime? previous, out List<(SinkWorker Worker, StreamCounters Counters, TaskCompletionSource? Stopped)> retired)
    {
        var counters = previous?.Counters ?? new StreamCounters();
        var filtersById = config.Filters.Where(f => f.Enabled).ToDictionary(f => f.Id, StringComparer.Ordinal);
        var kept = new HashSet<SinkWorker>();
        var handovers = new Dictionary<SinkWorker, TaskCompletionSource>();
        var created = new List<SinkWorker>();
        var destinations = new List<DestinationRuntime>();
        try
        {
            foreach (var destination in config.Destinations)
            {
                if (!destination.Enabled)
                {
                    continue;
                }

                var gate = FilterSet.Compile(destination.FilterIds.Where(filtersById.ContainsKey).Select(id => filtersById[id]));
                var fingerprint = destination.Fingerprint(config.CompressionEnabled);
                var predecessor = previous?.Destinations.FirstOrDefault(d => d.Config.Id == destination.Id);
                SinkWorker worker;
                if (predecessor is not null && predecessor.Fingerprint == fingerprint)
                {
                    worker = predecessor.Worker;
                    kept.Add(worker);
                }
                else if (predecessor is not null)
                {
                    // Changed settings: the replacement queues entries at once and opens its sink once the old one has
                    // written what it accepted and released its resources (for example a file's lock).
                    var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    handovers[predecessor.Worker] = stopped;
                    worker = CreateWorker(config, destination, stopped.Task, predecessor.Worker.Formatter);
                    created.Add(worker);
                }
                else
                {
                    worker = CreateWorker(config, destination, null, null);
                    created.Add(worker);
                }

                destinations.Add(new DestinationRuntime(destination, worker, gate, fingerprint));
            }
        }
        catch
        {
            foreach (var worker in created)
            {
                _ = worker.StopAsync(TimeSpan.FromSeconds(1)).AsTask();
            }

            throw;
        }

        retired = previous is null
            ? []
            : [.. previous.Destinations.Where(d => !kept.Contains(d.Worker)).Select(d => (d.Worker, counters, handovers.GetValueOrDefault(d.Worker)))];
        var recent = previous is not null && previous.Config.BufferSize == config.BufferSize ? previous.Recent : new RecentBuffer(config.BufferSize);
        return new StreamRuntime(config, FilterSet.Compile(config.Filters), [.. destinations], recent, counters);
    }

    private SinkWorker CreateWorker(LogStreamConfig stream, LogDestinationConfig destination, Task? predecessorStopped, Formatting.LogEntryFormatter? expectedFormatter)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(destination.Settings).Build();
        var name = $"{stream.Id}/{destination.Id}";
        var type = destination.Type;
        var compression = stream.CompressionEnabled;
        var worker = new SinkWorker(destination.Id, () => provider.CreateSink(name, type, settings, compression), DestinationDefaults.Apply(provider.DestinationDefaults(name, type), destination.ToSinkOptions(), section: null), provider.Options, stream.Id, predecessorStopped, expectedFormatter);
        var streamId = stream.Id;
        var destinationId = destination.Id;
        worker.BatchWritten = count => batchWritten(streamId, destinationId, count);
        return worker;
    }

    public static LogStreamStats StatsOf(StreamRuntime stream)
    {
        var (retired, retiring) = stream.Counters.Snapshot();
        var current = stream.Destinations.Select(d => d.Worker.GetStats()).ToList();
        var all = current.Concat(retiring.Select(w => w.GetStats())).Append(retired).ToList();
        return new LogStreamStats
        {
            StreamId = stream.Id,
            Name = stream.Config.Name ?? stream.Id,
            Received = Volatile.Read(ref stream.Counters.Received),
            Matched = Volatile.Read(ref stream.Counters.Matched),
            DestinationReceived = all.Sum(s => s.Received),
            Written = all.Sum(s => s.Written),
            Dropped = all.Sum(s => s.Dropped),
            Failed = all.Sum(s => s.Failed),
            Retried = all.Sum(s => s.Retried),
            Bytes = all.Sum(s => s.BytesWritten),
            Batches = all.Sum(s => s.Batches),
            LastFlush = all.Max(s => s.LastFlush),
            LastError = all.Select(s => s.LastError).LastOrDefault(e => e is not null),
            Destinations = current,
        };
    }
}
