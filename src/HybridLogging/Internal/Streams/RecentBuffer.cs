namespace HybridLogging.Internal;

/// <summary>
/// The last N entries of a stream (bounded memory). Written by the dispatcher, read by queries.
/// </summary>
/// <remarks>
/// Slots hold copies of the dispatcher's view, and an entry object is built only when a query reads the slot (then kept
/// in the copy until it is overwritten, so repeated queries do not build again). Most recent entries are overwritten
/// without ever being queried; building each on the dispatcher was an allocation per matched entry that lived long
/// enough to be promoted. A query builds what it returns under the lock, which the dispatcher takes for one copy per
/// matched entry; queries are rare, and building 1,000 entries takes well under a millisecond.
/// </remarks>
internal sealed class RecentBuffer(int capacity)
{
    private readonly LogEntryView?[] _items = new LogEntryView?[Math.Max(0, capacity)];
    private readonly Lock _lock = new();
    private long _count;

    public int Capacity => _items.Length;

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
    public void CopyTo(List<(long Sequence, LogEntry Entry)> target)
    {
        if (_items.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            var kept = (int)Math.Min(_count, _items.Length);
            var start = _count - kept;
            for (var i = 0L; i < kept; i++)
            {
                var copy = _items[(start + i) % _items.Length]!;
                target.Add((copy.Sequence, copy.ToLogEntry()));
            }
        }
    }
}
