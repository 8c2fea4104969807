namespace HybridLogging;

/// <summary>
/// Records whose outcome a sink decides after the <see cref="IFormattedLogSink.WriteAsync"/> call that handed them over
/// returns: a sink that gathers records across batches into one unit of output (an S3 object, a compressed file
/// segment) defers them into a deferral with <see cref="LogRecordBatch.Defer"/> and settles the deferral once that unit
/// is stored (<see cref="Complete"/>) or given up (<see cref="Fail"/>).
/// </summary>
/// <remarks>
/// <para><b>Bytes.</b> Deferring takes over the outcome only, not the memory: a record's <see cref="LogRecord.Bytes"/>
/// are valid only during the call, as always, so the sink copies (or compresses) them before it returns.</para>
/// <para><b>Accounting.</b> Deferred records count as pending in the destination's statistics
/// (<see cref="SinkStats.Deferred"/>, part of <see cref="SinkStats.Pending"/>) until the deferral is settled; then all
/// of them count as written, or all as failed under the given reason. A deferral is settled once: later calls to
/// <see cref="Complete"/> or <see cref="Fail"/> do nothing. For per-record outcomes use one deferral per record or per
/// group of records that share their fate.</para>
/// <para><b>Retries.</b> The pipeline does not resend deferred records (it no longer holds their bytes): a sink that
/// can retry (it holds the data, or what it sent so far is kept by the service) retries on its own, and fails the
/// deferral when it gives up. Records not deferred keep the usual outcomes of the batch (written, retry, failed).</para>
/// <para><b>Flush and shutdown.</b> The destination's flush calls <see cref="ILogSink.FlushAsync"/> when deferred
/// records would hold it up: the sink then settles what it holds (stores its open object). On shutdown the destination
/// drains its queue, calls <see cref="ILogSink.FlushAsync"/> and waits within its shutdown timeout; whatever is still
/// unsettled then counts as failed with the reason <c>unsettled</c> and is reported on the self-log, and a later
/// settlement of it is ignored.</para>
/// <para>Thread-safe: a sink may settle from a timer or an upload's continuation while the destination writes the next
/// batch.</para>
/// </remarks>
public sealed class LogRecordDeferral
{
    private readonly Lock _gate = new();
    private readonly IDeferralOwner? _owner;
    private int _count;
    private LogRecordOutcome _outcome = LogRecordOutcome.Deferred;
    private string? _reason;

    internal LogRecordDeferral(IDeferralOwner? owner)
    {
        _owner = owner;
    }

    /// <summary>Number of records deferred into this deferral.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// <see cref="LogRecordOutcome.Deferred"/> until settled, then <see cref="LogRecordOutcome.Written"/> or
    /// <see cref="LogRecordOutcome.Failed"/>.
    /// </summary>
    public LogRecordOutcome Outcome
    {
        get
        {
            lock (_gate)
            {
                return _outcome;
            }
        }
    }

    /// <summary>The reason given when the deferral failed, or null.</summary>
    public string? Reason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>Whether the deferral is settled (its records are counted as written or failed).</summary>
    public bool IsSettled => Outcome != LogRecordOutcome.Deferred;

    /// <summary>Counts every record of the deferral as written (their unit of output is stored). No effect once settled.</summary>
    public void Complete() => Settle(LogRecordOutcome.Written, null);

    /// <summary>Counts every record of the deferral as failed under <paramref name="reason"/>. No effect once settled.</summary>
    /// <param name="reason">A short, fixed reason code (for example <c>rejected</c>), used as a counter key.</param>
    public void Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Settle(LogRecordOutcome.Failed, reason);
    }

    /// <summary>Adds one record (called by <see cref="LogRecordBatch.Defer"/>).</summary>
    internal void Add(IDeferralOwner? owner)
    {
        if (!ReferenceEquals(owner, _owner))
        {
            throw new InvalidOperationException("A deferral takes records of the destination whose batch created it only.");
        }

        lock (_gate)
        {
            if (_outcome != LogRecordOutcome.Deferred)
            {
                throw new InvalidOperationException("The deferral is already settled; create a new one for further records.");
            }

            if (_count++ == 0)
            {
                _owner?.Opened(this);
            }

            _owner?.Deferred(1);
        }
    }

    private void Settle(LogRecordOutcome outcome, string? reason)
    {
        int count;
        lock (_gate)
        {
            if (_outcome != LogRecordOutcome.Deferred)
            {
                return;
            }

            _outcome = outcome;
            _reason = reason;
            count = _count;
        }

        // Outside the lock: the owner wakes its destination's loop.
        _owner?.Settled(this, count, outcome, reason);
    }
}

/// <summary>The destination that counts a deferral's records (null for batches built by <see cref="LogRecordBatch.FromRecords"/>).</summary>
internal interface IDeferralOwner
{
    /// <summary>A deferral received its first record: it is open until settled.</summary>
    void Opened(LogRecordDeferral deferral);

    /// <summary>Records moved from the batch to a deferral.</summary>
    void Deferred(int count);

    /// <summary>A deferral was settled (once).</summary>
    void Settled(LogRecordDeferral deferral, int count, LogRecordOutcome outcome, string? reason);
}
