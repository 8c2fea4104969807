namespace HybridLogging.Internal;

/// <summary>Something the dispatcher hands every entry to: the provider's own sinks, or the stream manager.</summary>
internal interface IEntryRoute
{
    /// <summary>Routes one entry (dispatcher thread only). Must not block.</summary>
    void Route(LogEntry entry);

    /// <summary>Adds every destination worker of this route (for flush and statistics).</summary>
    void CollectWorkers(List<SinkWorker> workers);
}
