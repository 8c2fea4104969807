using System.Runtime.InteropServices;

namespace HybridLogging;

/// <summary>
/// A batch of formatted records handed to <see cref="IFormattedLogSink.WriteAsync"/>, and the sink's answer about each:
/// unmarked records are written, <see cref="Retry"/> sends a record again after backoff, <see cref="Fail"/> gives up
/// on it with a reason, and <see cref="Defer"/> leaves the outcome to a <see cref="LogRecordDeferral"/> the sink settles
/// later. Also carries sink-specific counters (<see cref="AddCount"/>) into the destination's statistics.
/// </summary>
/// <remarks>
/// Reused by its destination: valid only during the call it is passed to (a deferred record's bytes too: copy them).
/// Not thread-safe; a sink that sends parts of a batch concurrently marks outcomes after the parts complete.
/// </remarks>
public sealed class LogRecordBatch
{
    private Slot[] _slots = new Slot[16];
    private LogRecordSegment[] _segments = [];
    private int _segmentCount = -1;
    private readonly List<KeyValuePair<string, long>> _counts = [];
    private readonly Lock _deferGate = new();
    private bool _abandoned;

    internal LogRecordBatch()
    {
    }

    /// <summary>Number of records.</summary>
    public int Count { get; private set; }

    /// <summary>How many times these records were sent before: 0 on the first attempt, 1 on the first retry, and so on.</summary>
    public int Attempt { get; internal set; }

    /// <summary>The record at <paramref name="index"/>.</summary>
    public LogRecord this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            ref var slot = ref _slots[index];
            return new LogRecord(slot.Bytes, slot.Info);
        }
    }

    /// <summary>
    /// Number of segments: runs of consecutive records whose bytes are adjacent in memory, so a sink that writes bytes
    /// in order (a file, the console, a compressor) makes one write per segment instead of one per record.
    /// </summary>
    public int SegmentCount
    {
        get
        {
            EnsureSegments();
            return _segmentCount;
        }
    }

    /// <summary>The segment at <paramref name="index"/> (see <see cref="SegmentCount"/>).</summary>
    public LogRecordSegment GetSegment(int index)
    {
        EnsureSegments();
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_segmentCount, nameof(index));
        return _segments[index];
    }

    /// <summary>Total bytes of all records.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>
    /// Asks for the record to be sent again, on its own batch, after the destination's backoff (a throttled or
    /// temporarily failed item). After <see cref="SinkOptions.MaxRetries"/> retries it is counted as failed with
    /// <paramref name="reason"/>.
    /// </summary>
    /// <param name="index">The record.</param>
    /// <param name="reason">A short, fixed reason code (for example <c>throttled</c>), used as a counter key.</param>
    public void Retry(int index, string reason) => Mark(index, LogRecordOutcome.Retry, reason);

    /// <summary>Gives up on the record: it is counted as failed under <paramref name="reason"/> and never sent again.</summary>
    /// <param name="index">The record.</param>
    /// <param name="reason">A short, fixed reason code (for example <c>tooOld</c>, <c>mapping</c>), used as a counter key.</param>
    public void Fail(int index, string reason) => Mark(index, LogRecordOutcome.Failed, reason);

    /// <summary>
    /// Creates an empty deferral for this batch's destination, into which the sink defers records of this and later
    /// batches (<see cref="Defer"/>) and which it settles once their unit of output is stored or given up. See
    /// <see cref="LogRecordDeferral"/> for the contract.
    /// </summary>
    public LogRecordDeferral CreateDeferral() => new(Owner);

    /// <summary>
    /// Leaves the record's outcome to <paramref name="deferral"/>: it is neither written nor retried when the call
    /// returns, but pending until the sink settles the deferral. Copy the record's bytes before the call returns.
    /// </summary>
    /// <param name="index">The record.</param>
    /// <param name="deferral">A deferral created by a batch of the same destination and not settled yet.</param>
    /// <exception cref="InvalidOperationException">The record is already deferred, the deferral is settled or belongs to
    /// another destination, or the call this batch was passed to was abandoned (timed out).</exception>
    public void Defer(int index, LogRecordDeferral deferral)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        ArgumentNullException.ThrowIfNull(deferral);
        lock (_deferGate)
        {
            if (_abandoned)
            {
                // The destination already counted this batch as failed: taking records now would count them twice.
                throw new InvalidOperationException("The write this batch was passed to was abandoned; its records are already settled.");
            }

            ref var slot = ref _slots[index];
            if (slot.Outcome == LogRecordOutcome.Deferred)
            {
                throw new InvalidOperationException("The record is already deferred.");
            }

            deferral.Add(Owner);
            slot.Outcome = LogRecordOutcome.Deferred;
            slot.Reason = null;
            slot.Deferral = deferral;
        }
    }

    /// <summary>
    /// The record's outcome so far: <see cref="LogRecordOutcome.Written"/> when unmarked; for a deferred record
    /// <see cref="LogRecordOutcome.Deferred"/> until its deferral is settled, then the deferral's outcome.
    /// </summary>
    public LogRecordOutcome GetOutcome(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        ref var slot = ref _slots[index];
        return slot.Deferral?.Outcome ?? slot.Outcome;
    }

    /// <summary>The reason given with the record's outcome (for a deferred record, its deferral's), or null.</summary>
    public string? GetReason(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        ref var slot = ref _slots[index];
        return slot.Deferral is { } deferral ? deferral.Reason : slot.Reason;
    }

    /// <summary>
    /// Adds to a sink-specific counter of the destination (for example <c>truncated</c> or <c>duplicates</c>), reported in
    /// <see cref="SinkStats.Counters"/> and as a metric. Use a small, fixed set of names.
    /// </summary>
    public void AddCount(string counter, long amount = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(counter);
        _counts.Add(new(counter, amount));
    }

    /// <summary>Creates a batch of the given records (for a sink's own tests, or a sink that wraps another).</summary>
    public static LogRecordBatch FromRecords(IReadOnlyList<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = new LogRecordBatch();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            batch.Add(record.Bytes, record.Info);
        }

        return batch;
    }

    internal IReadOnlyList<KeyValuePair<string, long>> Counts => _counts;

    /// <summary>The destination that counts deferred records (null for a batch built by <see cref="FromRecords"/>).</summary>
    internal IDeferralOwner? Owner { get; init; }

    /// <summary>The outcome the sink marked during the call (<see cref="LogRecordOutcome.Deferred"/> stays so when settled).</summary>
    internal LogRecordOutcome MarkedOutcome(int index) => _slots[index].Outcome;

    /// <summary>
    /// The call was abandoned (timed out): no record can be deferred from now on. Returns the number of records not
    /// deferred, which the destination settles itself.
    /// </summary>
    internal int Abandon()
    {
        lock (_deferGate)
        {
            _abandoned = true;
            var left = 0;
            for (var i = 0; i < Count; i++)
            {
                left += _slots[i].Outcome == LogRecordOutcome.Deferred ? 0 : 1;
            }

            return left;
        }
    }

    internal void Add(ReadOnlyMemory<byte> bytes, in RecordInfo info)
    {
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        _slots[Count++] = new Slot(bytes, info);
        TotalBytes += bytes.Length;
        _segmentCount = -1;
    }

    internal ref readonly RecordInfo InfoAt(int index) => ref _slots[index].Info;

    internal ReadOnlyMemory<byte> BytesAt(int index) => _slots[index].Bytes;

    /// <summary>Marks every record that is not failed yet for retry (a sink threw, or the call was abandoned).</summary>
    internal void RetryUnfailed(string reason)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_slots[i].Outcome is not (LogRecordOutcome.Failed or LogRecordOutcome.Deferred))
            {
                _slots[i].Outcome = LogRecordOutcome.Retry;
                _slots[i].Reason = reason;
            }
        }
    }

    /// <summary>The number of records not written, and the first reason given, or null when all were written.</summary>
    internal (int Count, string Reason)? FirstUnsuccessful()
    {
        var count = 0;
        string? reason = null;
        for (var i = 0; i < Count; i++)
        {
            if (GetOutcome(i) != LogRecordOutcome.Written)
            {
                count++;
                reason ??= GetReason(i) ?? (GetOutcome(i) == LogRecordOutcome.Deferred ? "unsettled" : "unknown");
            }
        }

        return count == 0 ? null : (count, reason!);
    }

    /// <summary>Moves the record at <paramref name="from"/> to <paramref name="to"/> (to ≤ from), unmarked.</summary>
    internal void MoveTo(int from, int to)
    {
        var slot = _slots[from];
        _slots[to] = new Slot(slot.Bytes, slot.Info);
        _segmentCount = -1;
    }

    /// <summary>Keeps the first <paramref name="count"/> records.</summary>
    internal void Truncate(int count)
    {
        Array.Clear(_slots, count, Count - count);
        Count = count;
        TotalBytes = 0;
        for (var i = 0; i < count; i++)
        {
            TotalBytes += _slots[i].Bytes.Length;
        }

        _segmentCount = -1;
        _counts.Clear();
    }

    internal void Clear()
    {
        _abandoned = false;
        Array.Clear(_slots, 0, Count);
        Count = 0;
        TotalBytes = 0;
        Attempt = 0;
        _segmentCount = -1;
        _counts.Clear();
    }

    private void Mark(int index, LogRecordOutcome outcome, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ref var slot = ref _slots[index];
        if (slot.Outcome == LogRecordOutcome.Deferred)
        {
            throw new InvalidOperationException("The record is deferred: settle its deferral instead.");
        }

        slot.Outcome = outcome;
        slot.Reason = reason;
    }

    private void EnsureSegments()
    {
        if (_segmentCount >= 0)
        {
            return;
        }

        var count = 0;
        for (var i = 0; i < Count;)
        {
            var first = _slots[i].Bytes;
            var length = first.Length;
            var j = i + 1;
            if (MemoryMarshal.TryGetArray(first, out var head))
            {
                while (j < Count && MemoryMarshal.TryGetArray(_slots[j].Bytes, out var next) &&
                       ReferenceEquals(next.Array, head.Array) && next.Offset == head.Offset + length)
                {
                    length += next.Count;
                    j++;
                }
            }

            if (count == _segments.Length)
            {
                Array.Resize(ref _segments, Math.Max(4, count * 2));
            }

            _segments[count++] = new LogRecordSegment(
                head.Array is null ? first : head.Array.AsMemory(head.Offset, length), i, j - i);
            i = j;
        }

        _segmentCount = count;
    }

    private struct Slot(ReadOnlyMemory<byte> bytes, RecordInfo info)
    {
        public readonly ReadOnlyMemory<byte> Bytes = bytes;
        public readonly RecordInfo Info = info;
        public LogRecordOutcome Outcome;
        public string? Reason;
        public LogRecordDeferral? Deferral;
    }
}

/// <summary>Consecutive records of a <see cref="LogRecordBatch"/> whose bytes are adjacent in memory.</summary>
public readonly struct LogRecordSegment
{
    internal LogRecordSegment(ReadOnlyMemory<byte> bytes, int firstRecord, int recordCount)
    {
        Bytes = bytes;
        FirstRecord = firstRecord;
        RecordCount = recordCount;
    }

    /// <summary>The bytes of every record of the segment, in order.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Index of the segment's first record in the batch.</summary>
    public int FirstRecord { get; }

    /// <summary>Number of records in the segment.</summary>
    public int RecordCount { get; }
}

/// <summary>What became of a record handed to a sink.</summary>
public enum LogRecordOutcome
{
    /// <summary>Written (the default when the sink marks nothing).</summary>
    Written = 0,

    /// <summary>To be sent again after backoff.</summary>
    Retry = 1,

    /// <summary>Given up: counted as failed under its reason.</summary>
    Failed = 2,

    /// <summary>Left to a <see cref="LogRecordDeferral"/> the sink settles later: pending until then.</summary>
    Deferred = 3,
}
