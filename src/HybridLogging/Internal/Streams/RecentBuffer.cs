namespace HybridLogging.Internal;

/// <summary>The last N entries of a stream (bounded memory). Written by the dispatcher, read by queries.</summary>
internal sealed class RecentBuffer(int capacity)
{
    private readonly LogEntry?[] _items = new LogEntry?[Math.Max(0, capacity)];
    private readonly Lock _lock = new();
    private long _count;

    public int Capacity => _items.Length;

    public void Add(LogEntry entry)
    {
        if (_items.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            _items[_count % _items.Length] = entry;
            _count++;
        }
    }

    /// <summary>Copies the kept entries, oldest first, into <paramref name="target"/>.</summary>
    public void CopyTo(List<LogEntry> target)
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
                target.Add(_items[(start + i) % _items.Length]!);
            }
        }
    }
}
