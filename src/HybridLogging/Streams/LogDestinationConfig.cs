namespace HybridLogging;

/// <summary>One destination of a stream: a sink type with its settings, optional filters and its own queue and batching.</summary>
public sealed class LogDestinationConfig
{
    /// <summary>Identifier, unique within its stream.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Sink type (for example <c>File</c>, <c>Console</c>, <c>CloudWatch</c>): any type with a sink package or a registered <see cref="ILogSinkFactory"/>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Whether the destination receives entries. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sink-specific settings (for example <c>Path</c> for File), handed to the sink factory as configuration.</summary>
    public Dictionary<string, string?> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Ids of the stream's filters that also gate this destination (any passes). Empty: no extra gate.</summary>
    public List<string> FilterIds { get; set; } = [];

    /// <summary>Entries per batch. Default: the pipeline's <see cref="HybridLoggingOptions.BatchSize"/>.</summary>
    public int? BatchSize { get; set; }

    /// <summary>Longest wait for a batch to fill. Default: the pipeline's <see cref="HybridLoggingOptions.FlushInterval"/>.</summary>
    public TimeSpan? FlushInterval { get; set; }

    /// <summary>Capacity of the destination's own queue. Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What happens when the destination's queue is full. Default <see cref="QueueFullMode.DropOldest"/>.</summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropOldest;

    /// <summary>Retries after a failed write. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Longest time one write may take. Default 30 s.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SinkOptions ToSinkOptions() => new()
    {
        Type = Type,
        Enabled = Enabled,
        BatchSize = BatchSize,
        FlushInterval = FlushInterval,
        QueueCapacity = QueueCapacity,
        FullMode = FullMode,
        MaxRetries = MaxRetries,
        WriteTimeout = WriteTimeout,
    };

    internal LogDestinationConfig Clone() => new()
    {
        Id = Id,
        Type = Type,
        Enabled = Enabled,
        Settings = new Dictionary<string, string?>(Settings, StringComparer.OrdinalIgnoreCase),
        FilterIds = [.. FilterIds],
        BatchSize = BatchSize,
        FlushInterval = FlushInterval,
        QueueCapacity = QueueCapacity,
        FullMode = FullMode,
        MaxRetries = MaxRetries,
        WriteTimeout = WriteTimeout,
    };

    /// <summary>Everything that defines the sink instance: when it is unchanged, an update keeps the running destination.</summary>
    internal string Fingerprint(bool compression)
    {
        var settings = string.Join(";", Settings.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value));
        return $"{Type}|{Enabled}|{BatchSize}|{FlushInterval}|{QueueCapacity}|{FullMode}|{MaxRetries}|{WriteTimeout}|{compression}|{settings}";
    }
}
