using System.Runtime.InteropServices;

namespace HybridLogging;

/// <summary>
/// A batch of formatted records handed to <see cref="IFormattedLogSink.WriteAsync"/>, and the sink's answer about each:
/// unmarked records are written, <see cref="Retry"/> sends a record again after backoff, <see cref="Fail"/> gives up
/// on it with a reason. Also carries sink-specific counters (<see cref="AddCount"/>) into the destination's statistics.
/// </summary>
/// <remarks>
/// Reused by its destination: valid only during the call it is passed to. Not thread-safe; a sink that sends parts of a
/// batch concurrently marks outcomes after the parts complete.
/// </remarks>
public sealed class LogRecordBatch
{
    private Slot[] _slots = new Slot[16];
    private LogRecordSegment[] _segments = [];
    private int _segmentCount = -1;
    private readonly List<KeyValuePair<string, long>> _counts = [];

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

    /// <summary>The outcome marked for a record so far (<see cref="LogRecordOutcome.Written"/> when unmarked).</summary>
    public LogRecordOutcome GetOutcome(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _slots[index].Outcome;
    }

    /// <summary>The reason given with the record's outcome, or null.</summary>
    public string? GetReason(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _slots[index].Reason;
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
            if (_slots[i].Outcome != LogRecordOutcome.Failed)
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
            if (_slots[i].Outcome != LogRecordOutcome.Written)
            {
                count++;
                reason ??= _slots[i].Reason ?? "unknown";
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
    }
}

/// <summary>Consecutive records of a <see cref="LogRecordBatch"/> whose bytes are adjacent in memory.</summary>
/// <param name="Bytes">The bytes of every record of the segment, in order.</param>
/// <param name="FirstRecord">Index of the segment's first record in the batch.</param>
/// <param name="RecordCount">Number of records in the segment.</param>
public readonly record struct LogRecordSegment(ReadOnlyMemory<byte> Bytes, int FirstRecord, int RecordCount);

/// <summary>What became of a record handed to a sink.</summary>
public enum LogRecordOutcome
{
    /// <summary>Written (the default when the sink marks nothing).</summary>
    Written = 0,

    /// <summary>To be sent again after backoff.</summary>
    Retry = 1,

    /// <summary>Given up: counted as failed under its reason.</summary>
    Failed = 2,
}
