using System.Buffers;

namespace HybridLogging.Internal;

/// <summary>
/// A run of JSON lines formatted by the dispatcher for the destinations that take JSON lines
/// (<see cref="IJsonLinesSink"/>). One chunk may be queued at several destinations at once: it is reference-counted,
/// and its pooled buffer goes back to the pool when the last destination releases it.
/// </summary>
/// <remarks>
/// Written by hand rather than using <see cref="ArrayBufferWriter{T}"/>: the buffer has to come from (and return to)
/// <see cref="ArrayPool{T}"/> and the object itself is pooled, so a steady stream of chunks allocates nothing.
/// </remarks>
internal sealed class Utf8Chunk : IBufferWriter<byte>
{
    /// <summary>Initial buffer size; the dispatcher hands a chunk on once it holds <see cref="HandOffBytes"/>.</summary>
    public const int InitialBytes = 64 * 1024;

    /// <summary>A chunk is handed to its destinations once it holds this much (or when the dispatcher runs dry).</summary>
    public const int HandOffBytes = 48 * 1024;

    private static readonly GrowingPool<Utf8Chunk> Pool = new();

    private byte[] _buffer = [];
    private int _length;
    private int _references;

    /// <summary>Number of entries (lines) in the chunk.</summary>
    public int Count { get; private set; }

    public int Length => _length;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    public static Utf8Chunk Rent()
    {
        if (!Pool.TryRent(out var chunk))
        {
            chunk = new Utf8Chunk();
        }

        chunk._buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
        chunk._length = 0;
        chunk.Count = 0;
        chunk._references = 1;
        return chunk;
    }

    /// <summary>Counts what was written since the previous entry as one more entry (line).</summary>
    public void CompleteEntry() => Count++;

    /// <summary>Adds one reference per additional destination the chunk is queued at.</summary>
    public void AddReferences(int count) => Interlocked.Add(ref _references, count);

    /// <summary>Drops one reference; the last one returns the buffer and the chunk to their pools.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        Count = 0;
        ArrayPool<byte>.Shared.Return(buffer);
        Pool.Return(this);
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
