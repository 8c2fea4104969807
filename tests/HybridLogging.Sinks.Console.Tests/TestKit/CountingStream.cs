using System.Text;

namespace HybridLogging.Sinks.Console.Tests.TestKit;

/// <summary>An in-memory write-only stream that counts write and flush calls.</summary>
internal sealed class CountingStream : Stream
{
    private readonly MemoryStream _inner = new();

    public int Writes { get; private set; }

    public int Flushes { get; private set; }

    /// <summary>When set, every write throws an <see cref="IOException"/> (a closed pipe).</summary>
    public bool FailWrites { get; set; }

    /// <summary>When set, writes after this many succeeded throw an <see cref="IOException"/>.</summary>
    public int? FailAfterWrites { get; set; }

    public byte[] Bytes => _inner.ToArray();

    public string Text => Encoding.UTF8.GetString(_inner.ToArray());

    public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => throw new NotSupportedException();
    }

    public override void Flush() => Flushes++;

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flushes++;
        return Task.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (FailWrites || Writes >= FailAfterWrites)
        {
            throw new IOException("Broken pipe");
        }

        Writes++;
        _inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }
}
