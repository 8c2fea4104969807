using System.Runtime.InteropServices;

namespace HybridLogging.Internal;

/// <summary>
/// A live subscription's bounded buffer: one writer (the dispatcher) and one reader (the subscriber's
/// <c>await foreach</c>). When full, the writer drops the oldest entry (counted) and never waits. The reader is woken
/// in batches: at the end of each dispatcher round (<see cref="Signal"/>) or once a quarter of the capacity has been
/// written since the last wake, not per entry.
/// </summary>
/// <remarks>
/// Hand-written because <c>Channel.CreateBounded</c> completes a waiting reader on every write: a reader that keeps up
/// was scheduled on the thread pool once per few entries, and the pool threads that woke for it spun between wakes
/// (8% of all CPU samples of the peers benchmark's full configuration, on 2 cores). Positions only grow; an entry at
/// position p lives in slot p % capacity. The writer drops the oldest entry by advancing the head with a CAS, the
/// reader takes one the same way, so each entry is either read or counted as missed, exactly once.
/// Slots hold copies of the dispatcher's view, not entries: the <see cref="LogEntry"/> is built by the reader, on its own
/// thread, only for what it reads. Building one on the dispatcher for every offered entry cost about 370 B and a third of
/// the full configuration's collections, for entries that a slow reader then missed (45% of them in the peers
/// benchmark). The copies come from a pool of this buffer's own: whichever side ends a copy's use (the reader after
/// building, the writer after an eviction) returns it, so at most capacity + 2 copies exist.
/// </remarks>
internal sealed class SubscriberBuffer
{
    private readonly LogEntryView?[] _slots;
    private readonly BoundedRing<LogEntryView> _pool;
    private readonly int _wakeEvery;

    // The writer's and the reader's positions sit on cache lines of their own, each side keeping the last position it
    // saw of the other's. Side by side in one object, every write and every read moved the line between the two cores
    // (the writer read the head the reader had just advanced, the reader the tail the writer had just advanced).
    private WriterSide _writer;
    private ReaderSide _reader;
    private volatile bool _completed;
    private TaskCompletionSource? _waiter;
    private SubscriberWakeThread? _wakeThread;

    public SubscriberBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new LogEntryView?[capacity];
        _pool = new BoundedRing<LogEntryView>(capacity + 2);
        _wakeEvery = Math.Max(1, capacity / 4);
    }

    /// <summary>Entries dropped because the buffer was full.</summary>
    public long Missed => Volatile.Read(ref _writer.Missed);

    /// <summary>Entries written since the buffer was created (including ones later missed).</summary>
    public long Written => Volatile.Read(ref _writer.Tail);

    /// <summary>Adds a copy of the entry's view, dropping the oldest when full (writer only). False once completed.</summary>
    public bool Write(LogEntryView entry)
    {
        if (_completed)
        {
            return false;
        }

        var tail = _writer.Tail;
        var capacity = _slots.Length;
        while (tail - _writer.Head >= capacity)
        {
            // Full as far as the writer last saw: look at the reader's position, and if it is still full the oldest entry
            // goes, unless the reader takes it first (then there is room). Winning the CAS makes the writer the copy's
            // only owner: the reader touches a slot only after winning the same CAS.
            var head = Volatile.Read(ref _reader.Head);
            _writer.Head = head;
            if (tail - head >= capacity && Interlocked.CompareExchange(ref _reader.Head, head + 1, head) == head)
            {
                Volatile.Write(ref _writer.Missed, _writer.Missed + 1);
                Release(Interlocked.Exchange(ref _slots[head % capacity], null));
                _writer.Head = head + 1;
            }
        }

        if (!_pool.TryDequeue(out var copy))
        {
            copy = LogEntryView.ForCopies();
        }

        copy.CopyFrom(entry);
        Volatile.Write(ref _slots[tail % capacity], copy);
        Volatile.Write(ref _writer.Tail, tail + 1);
        if (++_writer.SinceWake >= _wakeEvery)
        {
            Wake();
        }

        return true;
    }

    /// <summary>Wakes a waiting reader if anything was written since the last wake (writer, at the end of a round).</summary>
    public void Signal()
    {
        if (_writer.SinceWake != 0)
        {
            Wake();
        }
    }

    /// <summary>Ends the buffer: the reader gets what is buffered, then the end.</summary>
    public void Complete()
    {
        _completed = true;

        // The wake thread completes a waiting reader's wait and then ends; without one, no reader has waited yet, and
        // its next wait sees the end.
        Volatile.Read(ref _wakeThread)?.Wake();
    }

    private void Wake()
    {
        _writer.SinceWake = 0;

        // Full fence: the tail written above must be visible before the waiter is read (the reader publishes its
        // waiter, then rereads the tail). The reader's wait is completed on its own thread, never here.
        if (Interlocked.CompareExchange(ref _waiter, null, null) is not null)
        {
            Volatile.Read(ref _wakeThread)?.Wake();
        }
    }

    /// <summary>Takes the oldest buffered entry, building it from its copy on the calling thread (reader only).</summary>
    public bool TryRead(out LogEntry entry)
    {
        var capacity = _slots.Length;
        while (true)
        {
            var head = Volatile.Read(ref _reader.Head);
            if (head >= _reader.Tail)
            {
                _reader.Tail = Volatile.Read(ref _writer.Tail);
                if (head >= _reader.Tail)
                {
                    entry = null!;
                    return false;
                }
            }

            var slot = head % capacity;
            var read = Volatile.Read(ref _slots[slot]);
            if (Interlocked.CompareExchange(ref _reader.Head, head + 1, head) == head)
            {
                // The writer may already have put a newer copy here; only this one's reference is cleared.
                Interlocked.CompareExchange(ref _slots[slot], null, read);
                entry = read!.ReadOnce();
                Release(read);
                return true;
            }
        }
    }

    private void Release(LogEntryView? copy)
    {
        if (copy is not null)
        {
            copy.ReleaseForReuse();
            _pool.TryEnqueue(copy);
        }
    }

    /// <summary>Waits until an entry may be readable; false when the buffer is completed and empty (reader only).</summary>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (HasUnread())
            {
                return true;
            }

            if (_completed)
            {
                return HasUnread();
            }

            // Completed by the wake thread, which then runs this method's continuation itself (see SubscriberWakeThread).
            _wakeThread ??= new SubscriberWakeThread(() => Interlocked.Exchange(ref _waiter, null), () => _completed);
            var waiter = new TaskCompletionSource();
            Interlocked.Exchange(ref _waiter, waiter);
            if (HasUnread() || _completed)
            {
                Interlocked.CompareExchange(ref _waiter, null, waiter);
                continue;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool HasUnread() => Volatile.Read(ref _reader.Head) < Volatile.Read(ref _writer.Tail);

    /// <summary>What the writer owns: its position, the reader's as last seen, the wake count and the misses.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct WriterSide
    {
        [FieldOffset(64)]
        public long Tail;

        [FieldOffset(72)]
        public long Head;

        [FieldOffset(80)]
        public long Missed;

        [FieldOffset(88)]
        public int SinceWake;
    }

    /// <summary>What the reader advances (and the writer, to drop the oldest): the head; and the tail as it last saw it.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct ReaderSide
    {
        [FieldOffset(64)]
        public long Head;

        [FieldOffset(72)]
        public long Tail;
    }
}
