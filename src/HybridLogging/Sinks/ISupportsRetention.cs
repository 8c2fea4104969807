namespace HybridLogging;

/// <summary>
/// Implemented by sinks that keep logs for a time they control (files by age, CloudWatch Logs retention), so one call
/// (<see cref="HybridLoggerProvider.UpdateRetentionPolicyAsync"/>) reaches all of them.
/// </summary>
public interface ISupportsRetention
{
    /// <summary>Keeps logs for <paramref name="days"/> days from now on. Throws <see cref="ArgumentException"/> for a value the sink cannot apply.</summary>
    ValueTask SetRetentionAsync(int days, CancellationToken cancellationToken);
}
