namespace HybridLogging;

/// <summary>
/// Implemented by a sink factory whose destinations need pipeline settings other than the pipeline's own (an archive
/// sink that takes large batches and needs a long write timeout, say). A destination declared in configuration with the
/// factory's type, under <c>Sinks</c> or in a stream, starts from these settings instead of the defaults of
/// <see cref="SinkOptions"/>; a setting its configuration section names, or that code changed from the default, wins.
/// The package's <c>AddX</c> method should apply the same settings to destinations added in code.
/// </summary>
/// <remarks>
/// A stream destination's settings are typed (<see cref="LogDestinationConfig"/>), so there a setting left at its
/// default value takes the factory's even when the configuration names that value.
/// </remarks>
public interface ILogSinkDestinationDefaults
{
    /// <summary>
    /// Sets what this sink's destinations start from, on a fresh <see cref="SinkOptions"/>: only
    /// <see cref="SinkOptions.BatchSize"/>, <see cref="SinkOptions.FlushInterval"/>, <see cref="SinkOptions.QueueCapacity"/>,
    /// <see cref="SinkOptions.FullMode"/>, <see cref="SinkOptions.WriteTimeout"/>, <see cref="SinkOptions.MaxRetries"/> and
    /// <see cref="SinkOptions.RetryBaseDelay"/> are taken from it.
    /// </summary>
    void ApplyDestinationDefaults(SinkOptions destination);
}
