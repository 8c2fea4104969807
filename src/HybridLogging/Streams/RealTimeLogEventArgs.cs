namespace HybridLogging;

/// <summary>An entry matched by a stream with <see cref="LogStreamConfig.RealTimeEnabled"/>.</summary>
public sealed class RealTimeLogEventArgs : EventArgs
{
    // Raised by LogStreamManager only; handlers read it.
    internal RealTimeLogEventArgs(string streamId, LogEntry entry)
    {
        StreamId = streamId;
        Entry = entry;
    }

    /// <summary>The stream.</summary>
    public string StreamId { get; }

    /// <summary>The entry.</summary>
    public LogEntry Entry { get; }
}
