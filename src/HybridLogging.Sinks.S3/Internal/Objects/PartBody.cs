using System.Buffers;

namespace HybridLogging.Sinks.S3.Internal.Objects;

/// <summary>
/// Compressed bytes taken from an <see cref="ObjectEncoder"/> for one upload (a part, or an object's last bytes). It owns
/// its pooled array until disposed, so the encoder goes on compressing into a new buffer while this one is uploaded.
/// </summary>
internal sealed class PartBody(byte[] array, int length) : IDisposable
{
    private byte[]? _array = array;

    /// <summary>No bytes (a multipart object whose last part went as a part of its own).</summary>
    public static PartBody Empty => new([], 0);

    public int Length { get; } = length;

    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PartBody))).AsMemory(0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { Length: > 0 } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
