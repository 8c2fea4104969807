using System.Collections.Concurrent;

namespace HybridLogging.Sinks.CloudWatch.Tests.Emulator;

/// <summary>Log groups, streams and stored events of the emulator.</summary>
internal sealed class EmulatorStore
{
    public ConcurrentDictionary<string, LogGroup> Groups { get; } = new(StringComparer.Ordinal);

    public sealed class LogGroup(string name, long creationTime)
    {
        public string Name { get; } = name;

        public long CreationTime { get; } = creationTime;

        public int? RetentionInDays { get; set; }

        public ConcurrentDictionary<string, LogStream> Streams { get; } = new(StringComparer.Ordinal);
    }

    public sealed class LogStream(string name, long creationTime)
    {
        private readonly List<StoredEvent> _events = [];
        private StoredEvent[]? _sorted;
        private long _ingestion;

        public string Name { get; } = name;

        public long CreationTime { get; } = creationTime;

        public long StoredBytes { get; private set; }

        public void Add(IEnumerable<(long Timestamp, string Message)> events, long now)
        {
            lock (_events)
            {
                foreach (var (timestamp, message) in events)
                {
                    _events.Add(new StoredEvent(timestamp, message, now, _ingestion++));
                    _sorted = null;
                    StoredBytes += System.Text.Encoding.UTF8.GetByteCount(message);
                }
            }
        }

        /// <summary>Events in timestamp order (ingestion order for equal timestamps), as GetLogEvents returns them.</summary>
        public StoredEvent[] Snapshot()
        {
            lock (_events)
            {
                return _sorted ??= [.. _events.OrderBy(e => e.Timestamp).ThenBy(e => e.Sequence)];
            }
        }

        public int Count
        {
            get
            {
                lock (_events)
                {
                    return _events.Count;
                }
            }
        }
    }

    public sealed record StoredEvent(long Timestamp, string Message, long IngestionTime, long Sequence);
}
