using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// A timed operation begun with <see cref="HybridLoggerExtensions.BeginOperation"/>: disposing it logs the operation's
/// duration (<see cref="HybridLoggerExtensions.LogPerformance"/>). A value type, so timing allocates nothing; the
/// <c>default</c> value does nothing when disposed.
/// </summary>
public readonly struct LoggedOperation : IDisposable
{
    private readonly ILogger? _logger;
    private readonly long _startTimestamp;

    internal LoggedOperation(ILogger logger, string operationType, long startTimestamp)
    {
        _logger = logger;
        OperationType = operationType;
        _startTimestamp = startTimestamp;
    }

    /// <summary>The operation's name, written as <c>operationType</c>.</summary>
    public string? OperationType { get; }

    /// <summary>The time since the operation began (<see cref="TimeSpan.Zero"/> for the <c>default</c> value).</summary>
    public TimeSpan Elapsed => _logger is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>Logs the operation's duration. Each call logs one entry: dispose once.</summary>
    public void Dispose()
    {
        if (_logger is { } logger)
        {
            logger.LogPerformance(OperationType ?? string.Empty, Stopwatch.GetElapsedTime(_startTimestamp));
        }
    }
}
