namespace HybridLogging.Internal;

/// <summary>
/// The provider's own destinations: every entry goes to each (subject to its minimum level). Destinations in lines mode
/// get JSON lines from the dispatcher instead (<see cref="LineWorkers"/>); <see cref="Route"/> feeds the others. Immutable.
/// </summary>
internal sealed class SinkSet : IEntryRoute
{
    private readonly SinkWorker[] _entryWorkers;

    public SinkSet(SinkWorker[] workers)
    {
        Workers = workers;
        LineWorkers = [.. workers.Where(w => w.AcceptsLines)];
        _entryWorkers = [.. workers.Where(w => !w.AcceptsLines)];
    }

    public SinkWorker[] Workers { get; }

    /// <summary>Destinations that take pre-formatted JSON lines.</summary>
    public SinkWorker[] LineWorkers { get; }

    public bool NeedsEntries => _entryWorkers.Length > 0;

    public void Route(LogEntry entry)
    {
        foreach (var worker in _entryWorkers)
        {
            worker.Post(entry);
        }
    }

    public void CollectWorkers(List<SinkWorker> workers) => workers.AddRange(Workers);
}
