namespace HybridLogging.Internal;

/// <summary>The provider's own destinations: every entry goes to each (subject to its minimum level). Immutable.</summary>
internal sealed class SinkSet(SinkWorker[] workers) : IEntryRoute
{
    public SinkWorker[] Workers { get; } = workers;

    public void Route(LogEntry entry)
    {
        foreach (var worker in Workers)
        {
            worker.Post(entry);
        }
    }

    public void CollectWorkers(List<SinkWorker> workers) => workers.AddRange(Workers);
}
