using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// Captures calls with <c>HybridLogger.Capture</c> (state kept, mutable arguments snapshotted, context taken), for the
/// benchmarks that time the work after the queue. Loggers given the same list capture into it in call order.
/// </summary>
internal sealed class CaptureLogger(CategoryState category, List<PendingEntry>? captured = null) : ILogger
{
    private static readonly ValueSnapshot.Limits Limits = new PipelineSettings(new HybridLoggingOptions()).Limits;

    public List<PendingEntry> Captured { get; } = captured ?? [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Captured.Add(HybridLogger.Capture(category, logLevel, eventId, state, exception, formatter, Limits));
}
