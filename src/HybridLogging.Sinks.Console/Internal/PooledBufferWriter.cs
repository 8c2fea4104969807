using System.Buffers;

namespace HybridLogging.Sinks.Console.Internal;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over <see cref="ArrayPool{T}.Shared"/> arrays. One batch is formatted into
/// it and written with one call; the array is kept between batches and returned when it grew unusually large.
/// Not thread-safe (the sink's calls never overlap).
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 16 * 1024;

    // A single huge batch must not pin a huge array for the life of the process.
    private const int RetainLimit = 1024 * 1024;

    private byte[] _buffer = [];
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public int WrittenCount => _written;

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written; keeps the array unless it grew past the retain limit.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > RetainLimit)
        {
            Release();
        }
    }

    public void Dispose()
    {
        _written = 0;
        Release();
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var size = Math.Max(Math.Max(InitialSize, _buffer.Length * 2), _written + needed);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(next);
        Release();
        _buffer = next;
    }

    private void Release()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
