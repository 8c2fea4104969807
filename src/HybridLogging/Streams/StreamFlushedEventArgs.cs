namespace HybridLogging;

/// <summary>
/// A destination of a stream wrote a batch: raised once per batch that wrote at least one entry, never for a batch that
/// failed as a whole.
/// </summary>
public sealed class StreamFlushedEventArgs : EventArgs
{
    // Raised by LogStreamManager only; handlers read it.
    internal StreamFlushedEventArgs(string streamId, string destinationId, int count)
    {
        StreamId = streamId;
        DestinationId = destinationId;
        Count = count;
    }

    /// <summary>The stream.</summary>
    public string StreamId { get; }

    /// <summary>The destination.</summary>
    public string DestinationId { get; }

    /// <summary>
    /// Entries of the batch the write counted as written: not those that failed or were dropped, nor those the sink
    /// deferred (they count as written when the sink settles them, and are not reported here).
    /// </summary>
    public int Count { get; }
}
