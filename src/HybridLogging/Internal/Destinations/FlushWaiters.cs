namespace HybridLogging.Internal;

/// <summary>
/// A destination's pending flush requests: each waits until every entry received before it is written, dropped or
/// failed. <see cref="Target"/> tells the destination's loop to write a partial batch now instead of at its deadline.
/// </summary>
internal sealed class FlushWaiters
{
    private readonly List<Waiter> _waiters = [];
    private long _target;

    /// <summary>The highest number of received entries a flush waits for.</summary>
    public long Target => Volatile.Read(ref _target);

    public Task Add(long target, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(target);
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        var current = Volatile.Read(ref _target);
        while (current < target)
        {
            var observed = Interlocked.CompareExchange(ref _target, target, current);
            if (observed == current)
            {
                break;
            }

            current = observed;
        }

        return cancellationToken.CanBeCanceled ? waiter.Completion.Task.WaitAsync(cancellationToken) : waiter.Completion.Task;
    }

    /// <summary>Whether some waiter is satisfied once <paramref name="completed"/> entries are settled.</summary>
    public bool AnyDone(long completed)
    {
        lock (_waiters)
        {
            foreach (var waiter in _waiters)
            {
                if (waiter.Target <= completed)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Completes the waiters that <paramref name="completed"/> settled entries satisfy (all of them with <paramref name="force"/>).</summary>
    public void Complete(long completed, bool force)
    {
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (force || _waiters[i].Target <= completed)
                {
                    _waiters[i].Completion.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Waiter(long target)
    {
        public long Target { get; } = target;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
