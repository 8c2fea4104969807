namespace HybridLogging;

/// <summary>Pipeline settings of one destination (its own queue, batching, timeouts and retries).</summary>
public sealed class SinkOptions
{
    /// <summary>
    /// Sink type of a destination declared in configuration (for example <c>Console</c>, <c>File</c>); resolved through
    /// registered <see cref="ILogSinkFactory"/> services or the sink package's <see cref="LogSinkFactoryAttribute"/>. Default null.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>Whether the destination receives entries. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Entries per batch handed to the sink. Default: the pipeline's <see cref="HybridLoggingOptions.BatchSize"/> (100).</summary>
    public int? BatchSize { get; set; }

    /// <summary>Longest time an entry waits for its batch to fill. Default: the pipeline's <see cref="HybridLoggingOptions.FlushInterval"/> (5 s).</summary>
    public TimeSpan? FlushInterval { get; set; }

    /// <summary>
    /// Capacity of this destination's own queue, in entries (1 … 10,000,000), rounded up to a power of two: the default
    /// 10,000 gives a queue of 16,384 (<see cref="SinkStats.QueueCapacity"/> shows the capacity in force). Default 10,000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// What happens when this destination's queue is full: <see cref="QueueFullMode.DropOldest"/> (default),
    /// <see cref="QueueFullMode.DropNewest"/>, or <see cref="QueueFullMode.Block"/>: the dispatcher waits up to the
    /// pipeline's <see cref="HybridLoggingOptions.BlockTimeout"/> for room, then drops and counts. Block is for a
    /// destination that must not drop; while it waits, every other destination of the pipeline waits too.
    /// </summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropOldest;

    /// <summary>Longest time one write attempt may take before it is abandoned and counted as failed. Default 30 s.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed write (exponential backoff with jitter). Default 2; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Delay before the first retry; later retries double it. Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Lowest level this destination receives. Default Trace (everything the pipeline accepts).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Trace;

    /// <summary>
    /// For a destination declared in configuration: what happens when it cannot be opened at start (or when it is added by
    /// a reload). Default <see cref="SinkStartupFailure.Throw"/>: start-up fails with an exception naming the destination
    /// (a reload adding it is rejected); <see cref="SinkStartupFailure.Tolerate"/> keeps it, counting its entries as
    /// failed while it retries opening with backoff. Sinks added in code are created by the app and fail as it does.
    /// </summary>
    public SinkStartupFailure StartupFailure { get; set; } = SinkStartupFailure.Throw;

    internal SinkOptions Clone() => (SinkOptions)MemberwiseClone();

    internal IEnumerable<string> Validate(string name)
    {
        if (BatchSize is <= 0 or > 100_000)
        {
            yield return $"Sink '{name}': BatchSize must be between 1 and 100000 (was {BatchSize}).";
        }

        if (FlushInterval is { } interval && (interval <= TimeSpan.Zero || interval > TimeSpan.FromHours(1)))
        {
            yield return $"Sink '{name}': FlushInterval must be greater than zero and at most one hour (was {interval}).";
        }

        if (QueueCapacity is < 1 or > 10_000_000)
        {
            yield return $"Sink '{name}': QueueCapacity must be between 1 and 10000000 (was {QueueCapacity}).";
        }

        if (!Enum.IsDefined(FullMode))
        {
            yield return $"Sink '{name}': FullMode must be DropOldest, DropNewest or Block (was {FullMode}).";
        }

        if (!Enum.IsDefined(StartupFailure))
        {
            yield return $"Sink '{name}': StartupFailure must be Throw or Tolerate (was {StartupFailure}).";
        }

        if (WriteTimeout <= TimeSpan.Zero)
        {
            yield return $"Sink '{name}': WriteTimeout must be greater than zero (was {WriteTimeout}).";
        }

        if (MaxRetries is < 0 or > 20)
        {
            yield return $"Sink '{name}': MaxRetries must be between 0 and 20 (was {MaxRetries}).";
        }

        if (RetryBaseDelay < TimeSpan.Zero)
        {
            yield return $"Sink '{name}': RetryBaseDelay must not be negative (was {RetryBaseDelay}).";
        }
    }
}
