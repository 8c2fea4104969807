namespace HybridLogging;

/// <summary>A destination of a stream wrote a batch.</summary>
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

    /// <summary>Entries in the batch.</summary>
    public int Count { get; }
}
