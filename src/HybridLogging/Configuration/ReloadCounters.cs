namespace HybridLogging.Internal;

/// <summary>Outcomes of configuration reloads, for <see cref="HybridLoggingStats"/> and the metrics.</summary>
internal sealed class ReloadCounters
{
    private long _applied;
    private long _rejected;
    private string? _lastError;

    public long Applied => Volatile.Read(ref _applied);

    public long Rejected => Volatile.Read(ref _rejected);

    public string? LastError => Volatile.Read(ref _lastError);

    public void CountApplied() => Interlocked.Increment(ref _applied);

    /// <summary>Counts a rejection and reports it once to the self-log.</summary>
    public void Reject(string message)
    {
        Volatile.Write(ref _lastError, message);
        Interlocked.Increment(ref _rejected);
        SelfLog.Report(message);
    }
}
