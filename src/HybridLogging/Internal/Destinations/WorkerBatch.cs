namespace HybridLogging.Internal;

/// <summary>
/// The batch a destination is writing: <see cref="LogEntry"/> objects, or, for a sink that takes records, chunks of
/// records exposed to the sink as one <see cref="LogRecordBatch"/> over the chunks' memory (no copy). A worker never
/// gets both kinds.
/// </summary>
internal sealed class WorkerBatch(int capacity, IDeferralOwner? deferrals = null)
{
    private readonly List<Utf8Chunk> _chunks = [];

    /// <summary>Entries, for sinks written with <see cref="ILogSink.WriteBatchAsync"/>.</summary>
    public List<LogEntry> Entries { get; } = new(Math.Min(capacity, 1024));

    /// <summary>The records, for sinks that take them (null for an entries batch); after a write, those left to retry.</summary>
    public LogRecordBatch? Records { get; private set; }

    /// <summary>Number of entries (a chunk counts as its records).</summary>
    public int Count { get; private set; }

    public void Add(object item)
    {
        if (item is Utf8Chunk chunk)
        {
            _chunks.Add(chunk);
            var records = Records ??= new LogRecordBatch { Owner = deferrals };
            var memory = chunk.Memory;
            foreach (var info in chunk.Records)
            {
                records.Add(memory.Slice(info.Offset, info.Length), info);
            }

            Count += chunk.Count;
        }
        else
        {
            Entries.Add((LogEntry)item);
            Count++;
        }
    }

    /// <summary>Empties the batch and releases its chunks.</summary>
    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            chunk.Release();
        }

        _chunks.Clear();
        Entries.Clear();
        Records?.Clear();
        Count = 0;
    }
}
