namespace HybridLogging;

/// <summary>
/// What happens when a destination declared in configuration cannot be opened (a directory that cannot be created, a
/// file locked by another process, a service that does not answer). See <see cref="SinkOptions.StartupFailure"/>.
/// Settings that are invalid (an unknown <see cref="SinkOptions.Type"/>, a value the sink rejects) always fail.
/// </summary>
public enum SinkStartupFailure
{
    /// <summary>Start-up fails with an exception naming the destination and the reason, like the same sink added in code. The default.</summary>
    Throw,

    /// <summary>
    /// The app starts without it: the destination stays in <see cref="HybridLoggerProvider.GetStats"/>, every entry it
    /// receives is counted as failed, and opening it is retried with exponential backoff (from
    /// <see cref="SinkOptions.RetryBaseDelay"/>, at most one minute apart) until it succeeds.
    /// </summary>
    Tolerate,
}
