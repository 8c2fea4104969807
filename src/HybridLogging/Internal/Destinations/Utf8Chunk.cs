using System.Buffers;

namespace HybridLogging.Internal;

/// <summary>
/// A run of formatted records (one formatter's output for consecutive entries) written by the dispatcher for the
/// destinations that take that formatter's records (<see cref="IFormattedLogSink"/>), with what each record is about
/// (<see cref="RecordInfo"/>). One chunk may be queued at several destinations at once: it is reference-counted, and
/// its pooled buffers go back to the pool when the last destination releases it.
/// </summary>
/// <remarks>
/// Written by hand rather than using <see cref="ArrayBufferWriter{T}"/>: the buffer has to come from (and return to)
/// <see cref="ArrayPool{T}"/> and the object itself is pooled, so a steady stream of chunks allocates nothing.
/// </remarks>
internal sealed class Utf8Chunk : IBufferWriter<byte>
{
    /// <summary>Initial buffer size; the dispatcher hands a chunk on once it holds <see cref="HandOffBytes"/>.</summary>
    public const int InitialBytes = 64 * 1024;

    /// <summary>
    /// A chunk is handed to its destinations once it holds this much, or earlier at the end of a dispatcher round
    /// (see <see cref="RouteTable.HandOffAll"/>).
    /// </summary>
    public const int HandOffBytes = 48 * 1024;

    /// <summary>
    /// How many released chunks keep their buffers for the next <see cref="Rent"/>: about 10 MiB at most (64 KiB of
    /// bytes and 12 KiB of record facts each).
    /// </summary>
    public const int PoolCapacity = 128;

    private const int InitialRecords = 256;

    /// <remarks>
    /// Released chunks keep their buffers here instead of returning them to <see cref="ArrayPool{T}.Shared"/>: the
    /// dispatcher rents and the destination threads release, and under load more chunks are in flight than the shared
    /// pool keeps per size (32 per core), so it ran dry and allocated fresh 64 KiB buffers (300 MB per million entries
    /// in the sample's one-thread run, with gen2 collections). Bounded, so a burst leaves at most about 10 MiB behind.
    /// </remarks>
    private static readonly BoundedRing<Utf8Chunk> Pool = new(PoolCapacity);

    private byte[] _buffer = [];
    private RecordInfo[] _records = [];
    private int _length;
    private int _references;

    /// <summary>Number of records in the chunk.</summary>
    public int Count { get; private set; }

    /// <summary>The records' facts, in order (offsets into <see cref="Memory"/>).</summary>
    public ReadOnlySpan<RecordInfo> Records => _records.AsSpan(0, Count);

    public int Length => _length;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    public static Utf8Chunk Rent()
    {
        if (!Pool.TryDequeue(out var chunk))
        {
            chunk = new Utf8Chunk
            {
                _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes),
                _records = ArrayPool<RecordInfo>.Shared.Rent(InitialRecords),
            };
        }

        chunk._length = 0;
        chunk.Count = 0;
        chunk._references = 1;
        return chunk;
    }

    /// <summary>Records what was written from <paramref name="start"/> as one more record.</summary>
    public void CompleteRecord(int start, in RecordInfo info)
    {
        if (Count == _records.Length)
        {
            var bigger = ArrayPool<RecordInfo>.Shared.Rent(_records.Length * 2);
            _records.AsSpan(0, Count).CopyTo(bigger);
            ArrayPool<RecordInfo>.Shared.Return(_records, clearArray: true);
            _records = bigger;
        }

        _records[Count++] = info with { Offset = start, Length = _length - start };
    }

    /// <summary>Forgets what was written from <paramref name="start"/> (a formatter that failed part-way).</summary>
    public void Truncate(int start) => _length = Math.Min(_length, start);

    /// <summary>Appends a copy of one record of another chunk.</summary>
    public void CopyRecord(Utf8Chunk source, in RecordInfo record)
    {
        var start = _length;
        Write(source._buffer.AsSpan(record.Offset, record.Length));
        CompleteRecord(start, record);
    }

    /// <summary>Adds one reference per additional destination the chunk is queued at.</summary>
    public void AddReferences(int count) => Interlocked.Add(ref _references, count);

    /// <summary>Drops one reference; the last one returns the chunk (with its buffers) to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        // The records hold sources and correlation ids: clear them so a pooled chunk keeps no strings alive.
        _records.AsSpan(0, Count).Clear();
        Count = 0;
        _length = 0;
        if (_buffer.Length == InitialBytes && _records.Length == InitialRecords && Pool.TryEnqueue(this))
        {
            return;
        }

        // A chunk grown by a large entry, or one the full pool has no room for, gives its buffers back.
        ArrayPool<RecordInfo>.Shared.Return(_records);
        ArrayPool<byte>.Shared.Return(_buffer);
        _records = [];
        _buffer = [];
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_length + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _length >= needed)
        {
            return;
        }

        // One large entry grows this chunk only; the grown buffer goes back to the pool's larger bucket.
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
