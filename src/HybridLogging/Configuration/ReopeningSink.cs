using System.Diagnostics;

namespace HybridLogging.Internal;

/// <summary>
/// A destination declared in configuration that could not be opened, kept with <see cref="SinkStartupFailure.Tolerate"/>:
/// each batch first tries to open the real sink (at most once per backoff delay, doubling up to one minute); until that
/// succeeds the batch throws, so the destination's worker counts its entries as failed, exactly as for any failing sink.
/// </summary>
/// <remarks>
/// The open attempt is driven by the batches the worker already schedules, so no timer or loop of its own is needed,
/// and a destination that receives nothing costs nothing. It takes entries (not pre-formatted lines): what the real
/// sink accepts is unknown until it is open.
/// </remarks>
internal sealed class ReopeningSink : ILogSink, IReportsBytes
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(10);

    private readonly string _name;
    private readonly Func<ILogSink> _open;
    private readonly TimeSpan _baseDelay;
    private readonly Lock _gate = new();
    private ILogSink? _sink;
    private int _failures;
    private long _nextAttempt;
    private string _lastError;
    private bool _disposed;

    public ReopeningSink(string name, Func<ILogSink> open, Exception firstError, TimeSpan baseDelay)
    {
        _name = name;
        _open = open;
        _baseDelay = baseDelay < MinDelay ? MinDelay : baseDelay;
        _lastError = firstError.Message;
        ScheduleNext();
        SelfLog.Report($"Destination '{_name}' could not be opened and is kept unavailable (StartupFailure = Tolerate): {_lastError} Its entries are counted as failed until it opens.");
    }

    public long BytesWritten => (Volatile.Read(ref _sink) as IReportsBytes)?.BytesWritten ?? 0;

    public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        var sink = Volatile.Read(ref _sink) ?? TryOpen() ?? throw new IOException($"Destination '{_name}' is not available: {_lastError}");
        await sink.WriteBatchAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _sink) is { } sink ? sink.FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        ILogSink? sink;
        lock (_gate)
        {
            _disposed = true;
            sink = _sink;
        }

        if (sink is not null)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ILogSink? TryOpen()
    {
        lock (_gate)
        {
            if (_sink is not null || _disposed || Stopwatch.GetTimestamp() < _nextAttempt)
            {
                return _sink;
            }

            try
            {
                var sink = _open();
                Volatile.Write(ref _sink, sink);
                SelfLog.Report($"Destination '{_name}' is open after {_failures} failed attempt(s); its entries are written again.");
                return sink;
            }
            catch (Exception ex)
            {
                // One report per distinct reason, not one per attempt.
                if (!string.Equals(ex.Message, _lastError, StringComparison.Ordinal))
                {
                    SelfLog.Report($"Destination '{_name}' still cannot be opened: {ex.Message}");
                }

                _lastError = ex.Message;
                ScheduleNext();
                return null;
            }
        }
    }

    private void ScheduleNext()
    {
        _failures++;
        var delay = _baseDelay * Math.Pow(2, Math.Min(_failures - 1, 20));
        if (delay > MaxDelay)
        {
            delay = MaxDelay;
        }

        _nextAttempt = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
    }
}
