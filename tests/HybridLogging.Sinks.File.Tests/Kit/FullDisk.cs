namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>
/// A disk with a given number of free bytes, shared by every file the sink opens on it. The sink's (unbuffered, see
/// <see cref="FileSinkOptions.BufferSize"/> 0) file streams are wrapped in <see cref="Stream"/>s that buffer like a
/// <see cref="FileStream"/> and hand bytes to the real file only while space is left; the write that does not fit lands
/// in part and then fails with ENOSPC, as <c>write(2)</c> does on a full disk.
/// </summary>
internal sealed class FullDisk(long freeBytes, int bufferSize = 64 * 1024)
{
    // ENOSPC on Linux and macOS: the HResult .NET gives an IOException raised for that errno.
    public const int NoSpaceHResult = 28;

    private long _free = freeBytes;

    /// <summary>Bytes still accepted before writes fail; set it to free space.</summary>
    public long Free
    {
        get => Interlocked.Read(ref _free);
        set => Interlocked.Exchange(ref _free, value);
    }

    /// <summary>Number of writes refused so far.</summary>
    public int Refusals { get; private set; }

    public Stream Wrap(FileStream file) => new DiskStream(this, file, bufferSize);

    /// <summary>Writes what fits of <paramref name="bytes"/> to <paramref name="file"/> and returns how much that was.</summary>
    private int WriteToDisk(FileStream file, ReadOnlySpan<byte> bytes)
    {
        var written = (int)Math.Min(bytes.Length, Math.Max(0, Free));
        file.Write(bytes[..written]);
        Interlocked.Add(ref _free, -written);
        if (written < bytes.Length)
        {
            Refusals++;
        }

        return written;
    }

    private static IOException NoSpace() => new("No space left on device", NoSpaceHResult);

    private sealed class DiskStream(FullDisk disk, FileStream file, int bufferSize) : Stream
    {
        private readonly byte[] _buffer = new byte[bufferSize];
        private int _buffered;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => file.Length + _buffered;

        public override long Position
        {
            get => Length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length <= _buffer.Length - _buffered)
            {
                buffer.CopyTo(_buffer.AsSpan(_buffered));
                _buffered += buffer.Length;
                return;
            }

            Flush();
            if (buffer.Length >= _buffer.Length)
            {
                if (disk.WriteToDisk(file, buffer) < buffer.Length)
                {
                    throw NoSpace();
                }
            }
            else
            {
                buffer.CopyTo(_buffer);
                _buffered = buffer.Length;
            }
        }

        public override void Flush()
        {
            if (_buffered == 0)
            {
                return;
            }

            var written = disk.WriteToDisk(file, _buffer.AsSpan(0, _buffered));
            if (written < _buffered)
            {
                // What did not fit stays buffered, as in a FileStream, and is tried again on the next flush.
                _buffer.AsSpan(written, _buffered - written).CopyTo(_buffer);
                _buffered -= written;
                throw NoSpace();
            }

            _buffered = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            try
            {
                if (disposing)
                {
                    Flush();
                }
            }
            finally
            {
                if (disposing)
                {
                    file.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
