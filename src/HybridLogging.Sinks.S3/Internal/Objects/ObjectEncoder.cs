using System.Buffers;
using System.IO.Compression;

namespace HybridLogging.Sinks.S3.Internal.Objects;

/// <summary>
/// Compresses one object's NDJSON as records arrive. Compressed output collects in a pooled buffer that the caller
/// takes away part by part (<see cref="TakePart"/>, <see cref="TakeRest"/>), so memory stays bounded by the part size
/// (and the parts still uploading) whatever the object size.
/// </summary>
internal sealed class ObjectEncoder : IDisposable
{
    private readonly OutputBuffer _output = new();
    private readonly Stream _compressor;
    private bool _finished;

    public ObjectEncoder(S3Compression compression)
    {
        _compressor = compression switch
        {
            // Optimal rather than Fastest: an archive is written once and stored (and scanned) for months.
            S3Compression.Gzip => new GZipStream(_output, CompressionLevel.Optimal, leaveOpen: true),
            S3Compression.Zstd => new ZstdSharp.CompressionStream(_output, level: 3, leaveOpen: true),
            _ => new PassThrough(_output),
        };
    }

    /// <summary>Uncompressed bytes appended so far.</summary>
    public long RawBytes { get; private set; }

    /// <summary>Compressed bytes produced so far (taken or still buffered).</summary>
    public long CompressedBytes => _output.TotalWritten;

    /// <summary>Compressed bytes buffered and not yet taken.</summary>
    public int BufferedBytes => _output.Count;

    public void Append(ReadOnlySpan<byte> record)
    {
        _compressor.Write(record);
        RawBytes += record.Length;
    }

    /// <summary>Writes the compressor's trailer; nothing can be appended afterwards.</summary>
    public void Finish()
    {
        if (!_finished)
        {
            _finished = true;
            _compressor.Dispose();
        }
    }

    /// <summary>
    /// Takes the first <paramref name="size"/> buffered bytes (all of them if fewer) as a part of their own; what was
    /// buffered beyond them (less than one record) stays for the next part.
    /// </summary>
    public PartBody TakePart(int size) => _output.Take(size, last: false);

    /// <summary>Takes every buffered byte, after <see cref="Finish"/>: the object's last upload.</summary>
    public PartBody TakeRest() => _output.Take(int.MaxValue, last: true);

    public void Dispose()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                _compressor.Dispose();
            }
            catch (IOException)
            {
                // Abandoned object: its trailer is not needed.
            }
        }

        _output.Release();
    }

    /// <summary>Write-only stream the compressor writes into.</summary>
    private sealed class OutputBuffer : Stream
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);

        public int Count { get; private set; }

        public long TotalWritten { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Position { get => TotalWritten; set => throw new NotSupportedException(); }

        public override long Length => throw new NotSupportedException();

        public PartBody Take(int size, bool last)
        {
            // The array goes with the part, which may still be uploading while the next one fills: the next part gets an
            // array of the same size (so it does not grow again), and the few bytes past the cut move into it.
            var taken = _buffer;
            var length = Math.Min(size, Count);
            var rest = Count - length;
            _buffer = last && rest == 0 ? [] : ArrayPool<byte>.Shared.Rent(taken.Length);
            taken.AsSpan(length, rest).CopyTo(_buffer);
            Count = rest;
            return new PartBody(taken, length);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Count + buffer.Length > _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Count + buffer.Length));
                _buffer.AsSpan(0, Count).CopyTo(larger);
                if (_buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = larger;
            }

            buffer.CopyTo(_buffer.AsSpan(Count));
            Count += buffer.Length;
            TotalWritten += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public void Release()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>No compression: bytes go straight to the output.</summary>
    private sealed class PassThrough(Stream output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
