namespace HybridLogging;

/// <summary>Error details captured from an exception, bounded in depth and size.</summary>
public sealed class LogError
{
    /// <summary>Full type name of the exception.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Exception message.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>Stack trace, when the exception was thrown.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Error code: an <c>ErrorCode</c> property of the call, else the exception's HResult.</summary>
    public string? Code { get; init; }

    /// <summary>Inner exceptions (all of an <see cref="AggregateException"/>), bounded in depth and count.</summary>
    public IReadOnlyList<LogError> InnerErrors { get; init; } = [];

    /// <summary>Builds error details from an exception; never throws.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="maxDepth">How many levels of inner exceptions to keep (default 4).</param>
    public static LogError FromException(Exception exception, int maxDepth = 4)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Internal.ErrorCapture.Capture(exception, maxDepth, code: null);
    }
}
