namespace HybridLogging;

/// <summary>
/// Sees every dispatched entry, after redaction and limits, on the pipeline's dispatcher thread (in-process analysis
/// such as pattern aggregation, statistics and alerting). Register with <see cref="HybridLoggingOptions.AddObserver"/>.
/// </summary>
/// <remarks>
/// <see cref="OnEntry"/> runs on the one thread that feeds every destination: it must be fast (well under a
/// microsecond), must not block or do I/O, and must not keep the view (copy what it needs). Exceptions are caught,
/// counted and reported on the self-log; they never reach the application or other observers.
/// </remarks>
public interface ILogEntryObserver
{
    /// <summary>Called once per dispatched entry.</summary>
    void OnEntry(LogEntryView entry);
}
