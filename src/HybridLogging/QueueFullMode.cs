namespace HybridLogging;

/// <summary>What a log call does when the pipeline's queue is full. Every dropped entry is counted.</summary>
public enum QueueFullMode
{
    /// <summary>The new entry is dropped and counted; the caller never waits. The default: the app is never slowed.</summary>
    DropNewest = 0,

    /// <summary>The oldest queued entry is dropped and counted to make room; the caller never waits.</summary>
    DropOldest = 1,

    /// <summary>The caller waits up to <see cref="HybridLoggingOptions.BlockTimeout"/> for room, then drops and counts.</summary>
    Block = 2,
}
