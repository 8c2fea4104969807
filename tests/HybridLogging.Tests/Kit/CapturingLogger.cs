using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Kit;

/// <summary>An ILogger that captures one call as the pipeline would (raw state and formatter), without a pipeline.</summary>
internal sealed class CapturingLogger : ILogger
{
    private PendingEntry? _captured;

    public static PendingEntry Capture(Action<ILogger> log)
    {
        var logger = new CapturingLogger();
        log(logger);
        return logger._captured!;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var pending = PendingEntry<TState>.Rent(state, formatter);
        pending.Level = logLevel;
        pending.EventId = eventId;
        pending.Exception = exception;
        _captured = pending;
    }
}
