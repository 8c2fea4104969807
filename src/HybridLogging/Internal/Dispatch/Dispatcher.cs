using System.Collections.Concurrent;

namespace HybridLogging.Internal;

/// <summary>
/// What happens to one captured call on the dispatcher thread: the view is built once, counted, shown to observers,
/// matched against streams and subscribers, formatted once per formatter key for the destinations that take records,
/// and turned into a <see cref="LogEntry"/> only when some consumer asks for one. Dispatcher thread only.
/// </summary>
internal sealed class Dispatcher
{
    private readonly ViewBuilder _builder = new();
    private readonly LogEntryView _view = new();
    private readonly long[] _byLevel = new long[7];
    private readonly ConcurrentDictionary<string, Counter> _bySource = new(StringComparer.Ordinal);
    private bool[] _matched = new bool[8];
    private Utf8Chunk?[] _formattedChunk = new Utf8Chunk?[4];
    private int[] _formattedRecord = new int[4];
    private long _sequence;
    private long _dispatched;
    private long _latencyCount;
    private double _latencySumMs;
    private long _observerErrors;

    public long Dispatched => Volatile.Read(ref _dispatched);

    public long LatencyCount => Volatile.Read(ref _latencyCount);

    public double LatencySumMs => Volatile.Read(ref _latencySumMs);

    public long ObserverErrors => Volatile.Read(ref _observerErrors);

    public long CountAt(int level) => Volatile.Read(ref _byLevel[level]);

    public IEnumerable<KeyValuePair<string, long>> BySource()
    {
        foreach (var (source, counter) in _bySource)
        {
            yield return new(source, Volatile.Read(ref counter.Value));
        }
    }

    public void Dispatch(PendingEntry pending, RouteTable table, PipelineSettings settings)
    {
        var sequence = ++_sequence;
        if ((int)pending.Level < table.MinimumLevel)
        {
            // Nothing takes this level: counted, never viewed.
            Count((int)pending.Level, SourceCounter(pending.Category), null);
            pending.Return();
            return;
        }

        var view = _view;
        var category = pending.Category;
        try
        {
            _builder.Build(pending, settings, view, sequence);
        }
        finally
        {
            pending.Return();
        }

        Count((int)view.Level, ReferenceEquals(category.Source, view.Source) ? SourceCounter(category) : SourceCounter(view.Source), view.LatencyMs ?? view.DurationMs);
        try
        {
            Route(view, table);
        }
        finally
        {
            view.Clear();
        }
    }

    private void Route(LogEntryView view, RouteTable table)
    {
        foreach (var observer in table.Observers)
        {
            try
            {
                observer.OnEntry(view);
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref _observerErrors) == 1)
                {
                    SelfLog.Report($"An entry observer threw {ex.GetType().Name}: {ex.Message} (further errors are counted, not reported)");
                }
            }
        }

        var streams = table.Streams;
        if (_matched.Length < streams.Length)
        {
            _matched = new bool[streams.Length * 2];
        }

        var running = table.StreamManager?.IsRunning ?? false;
        for (var i = 0; i < streams.Length; i++)
        {
            _matched[i] = running && MatchStream(streams[i], view, table.StreamManager!);
        }

        if (running)
        {
            foreach (var subscriber in table.Subscribers)
            {
                if (subscriber.Accepts(view))
                {
                    subscriber.Offer(view);
                }
            }
        }

        var level = (int)view.Level;
        FormatForGroups(view, table, level);
        foreach (var group in table.EntryGroups)
        {
            if (level >= group.MinimumLevel && (group.Stream < 0 || _matched[group.Stream]) && group.Gate.Matches(view))
            {
                var entry = view.ToLogEntry(); // built once per entry: the view keeps it
                foreach (var worker in group.Workers)
                {
                    worker.Post(entry);
                }
            }
        }
    }

    private static bool MatchStream(StreamRuntime stream, LogEntryView view, LogStreamManager manager)
    {
        var counters = stream.Counters;
        Volatile.Write(ref counters.Received, counters.Received + 1);
        if (!stream.Config.Enabled || !stream.Gate.Matches(view))
        {
            return false;
        }

        Volatile.Write(ref counters.Matched, counters.Matched + 1);
        if (stream.Recent.Capacity > 0)
        {
            stream.Recent.Add(view);
        }

        if (stream.Config.RealTimeEnabled)
        {
            if (manager.HasRealTimeHandlers)
            {
                manager.RaiseRealTime(stream.Id, view.ToLogEntry());
            }

            foreach (var subscriber in stream.Subscribers)
            {
                if (subscriber.Accepts(view))
                {
                    subscriber.Offer(view);
                }
            }
        }

        return true;
    }

    /// <summary>Formats the entry once per formatter key, into the first group that takes it; other groups copy the bytes.</summary>
    private void FormatForGroups(LogEntryView view, RouteTable table, int level)
    {
        var groups = table.Groups;
        if (groups.Length == 0)
        {
            return;
        }

        if (_formattedChunk.Length < table.ShapeCount)
        {
            _formattedChunk = new Utf8Chunk?[table.ShapeCount * 2];
            _formattedRecord = new int[table.ShapeCount * 2];
        }

        Array.Clear(_formattedChunk, 0, table.ShapeCount);
        var info = new RecordInfo(0, 0, view.Sequence, view.TimestampTicks, view.Level, view.Source, view.Correlation);
        var any = false;
        foreach (var group in groups)
        {
            if (level < group.MinimumLevel || (group.Stream >= 0 && !_matched[group.Stream]) || !group.Gate.Matches(view))
            {
                continue;
            }

            var chunk = group.Current ??= Utf8Chunk.Rent();
            if (_formattedChunk[group.Shape] is { } source)
            {
                chunk.CopyRecord(source, source.Records[_formattedRecord[group.Shape]]);
                any = true;
                continue;
            }

            var start = chunk.Length;
            try
            {
                group.Formatter.Write(view, chunk);
                chunk.CompleteRecord(start, info);
                _formattedChunk[group.Shape] = chunk;
                _formattedRecord[group.Shape] = chunk.Count - 1;
                any = true;
            }
            catch (Exception ex)
            {
                // A formatter must never throw; if one does, this entry fails at its destinations and the rest go on.
                chunk.Truncate(start);
                group.FormatFailed("format");
                SelfLog.Report($"Formatter '{group.Formatter.Key}' threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        if (!any)
        {
            return;
        }

        // Chunks are handed on only after every group has copied from them: a queued chunk may be released at any time.
        foreach (var group in groups)
        {
            if (group.Current is { Length: >= Utf8Chunk.HandOffBytes })
            {
                group.HandOff();
            }
        }
    }

    private Counter SourceCounter(CategoryState category)
    {
        if (category.SourceCounter is Counter cached)
        {
            return cached;
        }

        var counter = SourceCounter(category.Source);
        category.SourceCounter = counter;
        return counter;
    }

    private Counter SourceCounter(string source)
    {
        if (!_bySource.TryGetValue(source, out var counter))
        {
            counter = _bySource.GetOrAdd(source, static _ => new Counter());
        }

        return counter;
    }

    private void Count(int level, Counter source, double? latency)
    {
        Volatile.Write(ref _dispatched, _dispatched + 1);
        if ((uint)level < (uint)_byLevel.Length)
        {
            Volatile.Write(ref _byLevel[level], _byLevel[level] + 1);
        }

        Volatile.Write(ref source.Value, source.Value + 1);
        if (latency is { } ms && double.IsFinite(ms))
        {
            Volatile.Write(ref _latencySumMs, _latencySumMs + ms);
            Volatile.Write(ref _latencyCount, _latencyCount + 1);
        }
    }

    private sealed class Counter
    {
        public long Value;
    }
}
