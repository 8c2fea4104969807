namespace HybridLogging.Internal;

/// <summary>Something the dispatcher hands every entry to: the provider's own sinks, or the stream manager.</summary>
internal interface IEntryRoute
{
    /// <summary>
    /// Whether <see cref="Route"/> needs a built <see cref="LogEntry"/> right now. When no route does, the dispatcher may
    /// skip building it and format JSON lines straight from the captured call for the destinations that take lines.
    /// </summary>
    bool NeedsEntries { get; }

    /// <summary>Routes one entry (dispatcher thread only). Must not block.</summary>
    void Route(LogEntry entry);

    /// <summary>Adds every destination worker of this route (for flush and statistics).</summary>
    void CollectWorkers(List<SinkWorker> workers);
}
