namespace HybridLogging;

/// <summary>
/// A destination's writer: "write this batch", nothing more. The pipeline owns batching, queue limits, timeouts,
/// retries and accounting; a sink only turns a batch into output.
/// </summary>
/// <remarks>
/// Calls for one sink instance never overlap. The batch list is reused after the call completes: copy what must be
/// kept. A sink that throws fails (and may retry) only its own batch; a sink that does not complete within its
/// write timeout is abandoned for that batch, and no further batch is handed to it until the hung call completes.
/// </remarks>
public interface ILogSink : IAsyncDisposable
{
    /// <summary>Writes a batch. Throw to report failure; the pipeline retries according to <see cref="SinkOptions"/>.</summary>
    ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Makes everything written so far durable (for example flushes OS buffers), and settles the records the sink
    /// deferred (<see cref="LogRecordDeferral"/>: stores its open object, then completes or fails their deferrals).
    /// Called on flush and shutdown, never during a write.
    /// </summary>
    ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
