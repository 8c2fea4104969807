using System.Diagnostics;

namespace HybridLogging.Internal;

/// <summary>
/// The pipeline's bounded lock-free queue of captured calls and what a log call does when it is full
/// (<see cref="QueueFullMode"/>): drop the newest, drop the oldest, or wait at most the block timeout. Every drop is
/// counted. Many producers (app threads), one consumer (the dispatcher).
/// </summary>
internal sealed class PipelineQueue(HybridLoggingOptions options)
{
    private readonly BoundedRing<PendingEntry> _ring = new(options.QueueCapacity);
    private readonly QueueFullMode _fullMode = options.FullMode;
    private readonly long _blockTimeoutTicks = (long)(options.BlockTimeout.TotalSeconds * Stopwatch.Frequency);
    private readonly WakeSignal _room = new();
    private int _blockedProducers;
    private long _droppedNewest;
    private long _droppedOldest;

    public int Capacity => _ring.Capacity;

    public int Count => _ring.Count;

    public long EnqueuedCount => _ring.EnqueuedCount;

    public long DequeuedCount => _ring.DequeuedCount;

    public long DroppedNewest => Volatile.Read(ref _droppedNewest);

    public long DroppedOldest => Volatile.Read(ref _droppedOldest);

    /// <summary>
    /// Queues the entry, or makes room as the full mode says; false when it was dropped (counted and returned to its
    /// pool). <paramref name="wakeConsumer"/> nudges the dispatcher while a Block-mode producer waits;
    /// <paramref name="accepting"/> ends the wait at shutdown.
    /// </summary>
    public bool TryAdd(PendingEntry entry, Action wakeConsumer, Func<bool> accepting)
    {
        if (_ring.TryEnqueue(entry))
        {
            return true;
        }

        switch (_fullMode)
        {
            case QueueFullMode.DropOldest:
                for (var attempt = 0; attempt < 4; attempt++)
                {
                    if (_ring.TryDequeue(out var oldest))
                    {
                        Interlocked.Increment(ref _droppedOldest);
                        oldest.Return();
                    }

                    if (_ring.TryEnqueue(entry))
                    {
                        return true;
                    }
                }

                break;
            case QueueFullMode.Block:
                if (WaitForRoom(entry, wakeConsumer, accepting))
                {
                    return true;
                }

                break;
        }

        Interlocked.Increment(ref _droppedNewest);
        entry.Return();
        return false;
    }

    public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingEntry? entry) => _ring.TryDequeue(out entry);

    /// <summary>
    /// Called by the dispatcher as it frees slots: lets Block-mode producers retry once the queue is at most half full.
    /// </summary>
    /// <remarks>
    /// Waking them as soon as any slot was free cost a kernel wake-up on the dispatcher thread (the bottleneck) and a
    /// sleep and wake-up on the producer for every few hundred entries while the queue stayed full. Waiting for half the
    /// queue to drain lets a woken producer queue thousands of entries before it blocks again; a blocked producer still
    /// retries on its own at least every millisecond (<see cref="BlockingWait.Step"/>), so none waits longer than before.
    /// </remarks>
    public void ReleaseBlockedProducers()
    {
        if (Volatile.Read(ref _blockedProducers) > 0 && _ring.Count <= _ring.Capacity / 2 && !_room.IsSet)
        {
            _room.Set(); // wakes every blocked producer
        }
    }

    /// <summary>
    /// Block mode: spin briefly, then sleep on a signal the dispatcher sets as it frees slots, until the entry
    /// fits or <see cref="HybridLoggingOptions.BlockTimeout"/> passes. Sleeping instead of spinning matters on small
    /// machines: a spinning producer takes the core the dispatcher and the sink worker need to make room.
    /// </summary>
    private bool WaitForRoom(PendingEntry entry, Action wakeConsumer, Func<bool> accepting)
    {
        var deadline = Stopwatch.GetTimestamp() + _blockTimeoutTicks;
        var spinner = default(SpinWait);
        while (!spinner.NextSpinWillYield)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (_ring.TryEnqueue(entry))
            {
                return true;
            }
        }

        Interlocked.Increment(ref _blockedProducers);
        try
        {
            while (accepting())
            {
                wakeConsumer();
                if (_ring.TryEnqueue(entry))
                {
                    return true;
                }

                if (!BlockingWait.Step(_room, deadline))
                {
                    return false;
                }
            }

            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _blockedProducers);
        }
    }
}
