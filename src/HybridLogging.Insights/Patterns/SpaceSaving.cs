namespace HybridLogging.Insights.Patterns;

/// <summary>A counter of the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005).</summary>
/// <typeparam name="TKey">The counted key.</typeparam>
internal abstract class SpaceSavingItem<TKey>
    where TKey : notnull
{
    /// <summary>The key this counter holds now (counters are reused when their key is evicted).</summary>
    public TKey Key { get; internal set; } = default!;

    /// <summary>Count since the key entered the table, plus <see cref="Error"/>: never below the true count.</summary>
    public long Count { get; internal set; }

    /// <summary>Overestimation bound: the count of the key evicted to make room (the true count is within [Count - Error, Count]).</summary>
    public long Error { get; internal set; }

    internal int HeapIndex { get; set; }

    /// <summary>Forgets everything about the previous key before the counter is reused for <see cref="Key"/>.</summary>
    protected internal abstract void Reset();
}

/// <summary>
/// Space-Saving heavy hitters over at most <c>capacity</c> counters: every key whose true count exceeds N/capacity is in
/// the table, and each count overestimates by at most its <see cref="SpaceSavingItem{TKey}.Error"/> (itself at most
/// N/capacity). Counters sit in a min-heap by count, so the counter to evict is the root and an increment moves a counter
/// down only past the counters it now exceeds (heavy hitters sit at the leaves, where an increment costs one compare).
/// </summary>
/// <remarks>Hand-written: no package in the source provides a heavy-hitters structure. Not thread-safe.</remarks>
internal sealed class SpaceSaving<TKey, TItem>
    where TKey : notnull
    where TItem : SpaceSavingItem<TKey>
{
    private readonly Func<TItem> _create;
    private readonly TItem[] _heap;
    private int _count;

    public SpaceSaving(int capacity, Func<TItem> create, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _create = create;
        _heap = new TItem[capacity];
        Map = new Dictionary<TKey, TItem>(capacity, comparer);
    }

    /// <summary>Key to counter (read it for lookups, including alternate-key lookups; change it only through this class).</summary>
    public Dictionary<TKey, TItem> Map { get; }

    public int Capacity => _heap.Length;

    public int Count => _count;

    /// <summary>Keys evicted so far to make room.</summary>
    public long Evictions { get; private set; }

    /// <summary>The counters (in heap order).</summary>
    public ReadOnlySpan<TItem> Items => _heap.AsSpan(0, _count);

    /// <summary>Counts one more occurrence of a key already in the table.</summary>
    public void Increment(TItem item)
    {
        item.Count++;
        SiftDown(item.HeapIndex);
    }

    /// <summary>
    /// Counts the first occurrence of a key not in the table: a new counter while there is room, else the counter with the
    /// smallest count is given to the key (count = smallest + 1, error = smallest), after <see cref="SpaceSavingItem{TKey}.Reset"/>.
    /// </summary>
    public TItem Add(TKey key)
    {
        TItem item;
        if (_count < _heap.Length)
        {
            item = _create();
            item.Key = key;
            item.Count = 1;
            item.Error = 0;
            item.HeapIndex = _count;
            _heap[_count++] = item;
            SiftUp(item.HeapIndex);
        }
        else
        {
            item = _heap[0];
            Map.Remove(item.Key);
            Evictions++;
            item.Reset();
            item.Key = key;
            item.Error = item.Count;
            item.Count++;
            SiftDown(0);
        }

        Map.Add(key, item);
        return item;
    }

    public void Clear()
    {
        Array.Clear(_heap);
        _count = 0;
        Map.Clear();
    }

    private void SiftUp(int index)
    {
        var item = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (_heap[parent].Count <= item.Count)
            {
                break;
            }

            Place(_heap[parent], index);
            index = parent;
        }

        Place(item, index);
    }

    private void SiftDown(int index)
    {
        var item = _heap[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1].Count < _heap[child].Count)
            {
                child++;
            }

            if (item.Count <= _heap[child].Count)
            {
                break;
            }

            Place(_heap[child], index);
            index = child;
        }

        Place(item, index);
    }

    private void Place(TItem item, int index)
    {
        _heap[index] = item;
        item.HeapIndex = index;
    }
}
