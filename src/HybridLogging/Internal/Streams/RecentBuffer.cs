namespace HybridLogging.Internal;

/// <summary>
/// The last N entries of a stream (bounded memory). Written by the dispatcher, read by queries.
/// </summary>
/// <remarks>
/// Slots hold copies of the dispatcher's view, and an entry object is built only when a query reads the slot (then kept
/// in the copy until it is overwritten, so repeated queries do not build again). Most recent entries are overwritten
/// without ever being queried; building each on the dispatcher was an allocation per matched entry that lived long
/// enough to be promoted. A query builds what it returns a batch at a time under the lock, which the dispatcher takes for
/// one copy per matched entry (see <see cref="CopyTo"/>).
/// </remarks>
internal sealed class RecentBuffer(int capacity)
{
    /// <summary>Entries a query builds per hold of the lock (about 0.1-0.3 ms of building).</summary>
    internal const int BuildsPerLock = 256;

    private readonly LogEntryView?[] _items = new LogEntryView?[Math.Max(0, capacity)];
    private readonly Lock _lock = new();
    private long _count;

    public int Capacity => _items.Length;

    /// <summary>Test seam: runs between a query's batches, outside the lock.</summary>
    internal Action? BetweenBatches { get; set; }

    public void Add(LogEntryView entry)
    {
        if (_items.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            ref var slot = ref _items[_count % _items.Length];
            slot ??= LogEntryView.ForCopies();
            slot.CopyFrom(entry);
            _count++;
        }
    }

    /// <summary>Adds the kept entries, oldest first, with their dispatch sequence numbers, to <paramref name="target"/>.</summary>
    /// <remarks>
    /// Entries are built under the lock a batch at a time, and the lock is let go between batches: the dispatcher takes
    /// it for every entry it keeps, and one build of a large ring (up to 1,000,000 entries) under a single lock would
    /// stall the whole pipeline for as long. An entry the dispatcher overwrites while a query runs is left out; the
    /// query returns what was kept when it began, less what has since been replaced.
    /// </remarks>
    public void CopyTo(List<(long Sequence, LogEntry Entry)> target)
    {
        if (_items.Length == 0)
        {
            return;
        }

        long position, end;
        lock (_lock)
        {
            end = _count;
            position = end - Math.Min(end, _items.Length);
        }

        while (position < end)
        {
            lock (_lock)
            {
                position = Math.Max(position, _count - _items.Length);
                var stop = Math.Min(end, position + BuildsPerLock);
                for (; position < stop; position++)
                {
                    var copy = _items[position % _items.Length]!;
                    target.Add((copy.Sequence, copy.ToLogEntry()));
                }
            }

            if (position < end)
            {
                BetweenBatches?.Invoke();
            }
        }
    }
}
