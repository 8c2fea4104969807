
namespace HybridLogging.Internal;

/// <summary>
/// Bounded lock-free multi-producer multi-consumer queue (Dmitry Vyukov's array queue with a sequence number per slot).
/// </summary>
/// <remarks>
/// Written by hand because nothing in the BCL is bounded, lock-free and allocation-free at once:
/// <c>ConcurrentQueue</c> is unbounded and allocates segments; bounded <c>Channel</c> takes a lock per item.
/// Multi-consumer matters even with one dispatcher: under <see cref="QueueFullMode.DropOldest"/> a producer dequeues
/// the oldest entry itself. The enqueue and dequeue positions are monotonically increasing 64-bit counters, so
/// <see cref="EnqueuedCount"/> doubles as the "produced" counter and <see cref="DequeuedCount"/> as a flush watermark.
/// </remarks>
internal sealed class BoundedRing<T>
    where T : class
{
    private readonly Slot[] _slots;
    private readonly long _mask;
    private PaddedLong _enqueuePosition;
    private PaddedLong _dequeuePosition;

    public BoundedRing(int capacity)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _slots = new Slot[size];
        for (var i = 0; i < size; i++)
        {
            _slots[i].Sequence = i;
        }

        _mask = size - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Number of successful enqueues since creation.</summary>
    public long EnqueuedCount => Volatile.Read(ref _enqueuePosition.Value);

    /// <summary>Number of dequeues (by any consumer) since creation.</summary>
    public long DequeuedCount => Volatile.Read(ref _dequeuePosition.Value);

    /// <summary>Approximate number of items in the queue.</summary>
    public int Count => (int)Math.Clamp(EnqueuedCount - DequeuedCount, 0, _slots.Length);

    public bool TryEnqueue(T item)
    {
        var slots = _slots;
        var position = Volatile.Read(ref _enqueuePosition.Value);
        while (true)
        {
            ref var slot = ref slots[position & _mask];
            var sequence = Volatile.Read(ref slot.Sequence);
            var diff = sequence - position;
            if (diff == 0)
            {
                var observed = Interlocked.CompareExchange(ref _enqueuePosition.Value, position + 1, position);
                if (observed == position)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }

                position = observed;
            }
            else if (diff < 0)
            {
                return false; // full
            }
            else
            {
                position = Volatile.Read(ref _enqueuePosition.Value);
            }
        }
    }

    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? item)
    {
        var slots = _slots;
        var position = Volatile.Read(ref _dequeuePosition.Value);
        while (true)
        {
            ref var slot = ref slots[position & _mask];
            var sequence = Volatile.Read(ref slot.Sequence);
            var diff = sequence - (position + 1);
            if (diff == 0)
            {
                var observed = Interlocked.CompareExchange(ref _dequeuePosition.Value, position + 1, position);
                if (observed == position)
                {
                    item = slot.Item!;
                    slot.Item = null;
                    Volatile.Write(ref slot.Sequence, position + _mask + 1);
                    return true;
                }

                position = observed;
            }
            else if (diff < 0)
            {
                item = null;
                return false; // empty (or the next item is claimed but not yet published)
            }
            else
            {
                position = Volatile.Read(ref _dequeuePosition.Value);
            }
        }
    }

    private struct Slot
    {
        public T? Item;
        public long Sequence;
    }
}
