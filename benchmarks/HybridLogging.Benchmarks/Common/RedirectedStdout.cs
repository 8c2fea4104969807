using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// Standard output redirected to a file (<c>app &gt; out.json</c>), for the console sink in one process: like the
/// runtime's Unix console stream, every write is one synchronous, unbuffered <c>write</c> to the file and flushing does
/// nothing. Redirecting the process's real standard output would also capture this program's report, and
/// <c>Console.SetOut</c> replaces only the <see cref="TextWriter"/>, which the console sink does not use (it writes bytes
/// to <see cref="Console.OpenStandardOutput()"/>), so the sink gets this stream through its internal test seam.
/// </summary>
public sealed class RedirectedStdout(string path) : Stream
{
    private readonly SafeFileHandle _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
    private long _position;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(_file, buffer, _position);
        _position += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

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

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
