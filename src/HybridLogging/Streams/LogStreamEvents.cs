namespace HybridLogging;

/// <summary>An entry matched by a stream with <see cref="LogStreamConfig.RealTimeEnabled"/>.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Entry">The entry.</param>
public sealed record RealTimeLogEventArgs(string StreamId, LogEntry Entry);

/// <summary>A destination of a stream wrote a batch.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="DestinationId">The destination.</param>
/// <param name="Count">Entries in the batch.</param>
public sealed record StreamFlushedEventArgs(string StreamId, string DestinationId, int Count);
