using System.Text;

namespace HybridLogging.Tests.Kit;

/// <summary>A sink that takes JSON records and keeps their lines, in arrival order.</summary>
internal sealed class LinesSink : LineStore, IFormattedLogSink
{
    private int _recordWrites;

    public int LineWrites => Volatile.Read(ref _recordWrites);

    /// <summary>While set, every write waits for it (to back the destination's queue up).</summary>
    public SemaphoreSlim? Hold { get; set; }

    /// <summary>How long every write takes (a slow sink keeps work queued at its destination).</summary>
    public TimeSpan Delay { get; set; }

    public Formatting.LogEntryFormatter Formatter => Formatting.JsonLogFormatter.Instance;

    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
            hold.Release();
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        if (FailWith is { } failure)
        {
            throw failure;
        }

        Interlocked.Increment(ref _recordWrites);
        var lines = new List<string>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var text = Encoding.UTF8.GetString(batch[i].Bytes.Span);
            if (!text.EndsWith('\n') || text[..^1].Contains('\n'))
            {
                throw new InvalidOperationException("A JSON record must be exactly one line ending with a newline.");
            }

            lines.Add(text[..^1]);
        }

        Add(lines);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A sink that takes <see cref="LogEntry"/> objects and keeps them formatted as JSON lines.</summary>
internal sealed class EntryLinesSink : LineStore, ILogSink
{
    private int _entryWrites;

    public int EntryWrites => Volatile.Read(ref _entryWrites);

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure)
        {
            throw failure;
        }

        Interlocked.Increment(ref _entryWrites);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var entry in batch)
        {
            Formatting.JsonLogFormatter.Instance.Write(entry, buffer);
        }

        Add(Encoding.UTF8.GetString(buffer.WrittenSpan)[..^1].Split('\n'));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Lines kept by a test sink.</summary>
internal abstract class LineStore
{
    private readonly List<string> _lines = [];

    /// <summary>Throws from every write while set (to exercise failure accounting).</summary>
    public Exception? FailWith { get; set; }

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

    protected void Add(IEnumerable<string> lines)
    {
        lock (_lines)
        {
            _lines.AddRange(lines);
        }
    }
}
