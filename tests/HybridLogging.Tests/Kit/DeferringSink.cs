using System.Collections.Concurrent;
using System.Text;

namespace HybridLogging.Tests.Kit;

/// <summary>
/// A sink that keeps what it is given in one open "object" across batches, as an archive sink does: it copies each
/// record's bytes and defers its outcome, and settles on flush as <see cref="OnFlush"/> says, or when a test calls
/// <see cref="Store"/>.
/// </summary>
internal sealed class DeferringSink : IFormattedLogSink
{
    private LogRecordDeferral? _open;
    private int _flushes;

    public enum Settle
    {
        Complete,
        Fail,
        Never,
    }

    public Settle OnFlush { get; set; } = Settle.Complete;

    public ConcurrentQueue<string> Copied { get; } = new();

    public int Flushes => Volatile.Read(ref _flushes);

    public Formatting.LogEntryFormatter Formatter => Formatting.JsonLogFormatter.Instance;

    public ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        var open = _open ??= batch.CreateDeferral();
        for (var i = 0; i < batch.Count; i++)
        {
            Copied.Enqueue(Encoding.UTF8.GetString(batch[i].Bytes.Span));
            batch.Defer(i, open);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _flushes);
        switch (OnFlush)
        {
            case Settle.Complete:
                Store();
                break;
            case Settle.Fail:
                Interlocked.Exchange(ref _open, null)?.Fail("rejected");
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Settles the open deferral as written (the "object" was stored), as a timer would.</summary>
    public LogRecordDeferral? Store()
    {
        var open = Interlocked.Exchange(ref _open, null);
        open?.Complete();
        return open;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
