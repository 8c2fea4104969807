namespace HybridLogging.Internal;

/// <summary>
/// A destination's records that its sink deferred (<see cref="LogRecordBatch.Defer"/>): counts them as pending until
/// their deferral is settled, then as written or failed, and wakes the destination's loop so flushes waiting for them
/// complete. At shutdown, <see cref="FailUnsettled"/> counts what the sink never settled as failed.
/// </summary>
internal sealed class DeferredRecords(string name, DestinationCounters counters, Action wake) : IDeferralOwner
{
    /// <summary>Reason under which records still deferred at shutdown are counted as failed.</summary>
    public const string UnsettledReason = "unsettled";

    private readonly HashSet<LogRecordDeferral> _open = new(ReferenceEqualityComparer.Instance);
    private long _pending;
    private long _askedFor;

    /// <summary>Records deferred and not settled yet.</summary>
    public long Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Whether the destination should ask its sink to settle (<see cref="ILogSink.FlushAsync"/>): deferred records hold
    /// up a flush waiting for <paramref name="target"/> received entries (long.MaxValue: shutdown, drained), and all of
    /// that flush's entries not settled yet are deferred (none still queued or in a batch, which the loop writes first).
    /// Once per target, so a sink that settles later (its settlement wakes the loop) is not asked again and again.
    /// </summary>
    public bool ShouldAskSink(long target, long completed)
    {
        var deferred = Pending;
        if (deferred == 0 || target <= completed || target <= _askedFor || (target != long.MaxValue && completed + deferred < target))
        {
            return false;
        }

        _askedFor = target;
        return true;
    }

    public void Opened(LogRecordDeferral deferral)
    {
        lock (_open)
        {
            _open.Add(deferral);
        }
    }

    public void Deferred(int count) => Interlocked.Add(ref _pending, count);

    public void Settled(LogRecordDeferral deferral, int count, LogRecordOutcome outcome, string? reason)
    {
        lock (_open)
        {
            _open.Remove(deferral);
        }

        // Counted settled before pending shrinks: a reader summing the counters never sees records vanish.
        if (outcome == LogRecordOutcome.Written)
        {
            Interlocked.Add(ref counters.Written, count);
            Volatile.Write(ref counters.LastFlushTicks, DateTime.UtcNow.Ticks);
        }
        else
        {
            counters.AddFailed(count, reason ?? "unknown");
        }

        Interlocked.Add(ref _pending, -count);
        wake();
    }

    /// <summary>Fails every deferral still open (shutdown); a later settlement by the sink is then ignored.</summary>
    public void FailUnsettled(TimeSpan waited)
    {
        LogRecordDeferral[] open;
        lock (_open)
        {
            open = [.. _open];
        }

        var records = 0L;
        foreach (var deferral in open)
        {
            records += deferral.Count;
            deferral.Fail(UnsettledReason);
        }

        if (records > 0)
        {
            var error = $"{records} deferred entries were not settled by the sink within {waited} of shutdown";
            Volatile.Write(ref counters.LastError, error);
            SelfLog.Report($"Destination '{name}': {error}; counted as failed ({UnsettledReason}).");
        }
    }
}
