using System.Text;

namespace HybridLogging.Tests.Kit;

/// <summary>A sink that takes JSON lines and keeps them (and any entries it is given), in arrival order.</summary>
internal sealed class LinesSink(bool acceptsLines = true) : IJsonLinesSink
{
    private readonly List<string> _lines = [];
    private int _lineWrites;
    private int _entryWrites;

    /// <summary>Throws from every write while set (to exercise failure accounting).</summary>
    public Exception? FailWith { get; set; }

    public bool AcceptsJsonLines => acceptsLines;

    public int LineWrites => Volatile.Read(ref _lineWrites);

    public int EntryWrites => Volatile.Read(ref _entryWrites);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>While set, every lines write waits for it (to back the destination's queue up).</summary>
    public SemaphoreSlim? Hold { get; set; }

    public async ValueTask WriteJsonLinesAsync(ReadOnlyMemory<byte> lines, int entryCount, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
            hold.Release();
        }

        if (FailWith is { } failure)
        {
            throw failure;
        }

        Interlocked.Increment(ref _lineWrites);
        var text = Encoding.UTF8.GetString(lines.Span);
        if (!text.EndsWith('\n'))
        {
            throw new InvalidOperationException("A batch of lines must end with a newline.");
        }

        var split = text[..^1].Split('\n');
        if (split.Length != entryCount)
        {
            throw new InvalidOperationException($"Got {split.Length} lines for {entryCount} entries.");
        }

        lock (_lines)
        {
            _lines.AddRange(split);
        }
    }

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure)
        {
            throw failure;
        }

        Interlocked.Increment(ref _entryWrites);
        var formatter = new Formatting.JsonLogFormatter();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var entry in batch)
        {
            formatter.Write(entry, buffer);
        }

        lock (_lines)
        {
            _lines.AddRange(Encoding.UTF8.GetString(buffer.WrittenSpan)[..^1].Split('\n'));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
