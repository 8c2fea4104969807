using System.Globalization;

namespace HybridLogging.Internal;

/// <summary>Turns exceptions into <see cref="LogError"/> without ever throwing, bounded in depth, breadth and size.</summary>
internal static class ErrorCapture
{
    private const int MaxInnerPerLevel = 10;
    private const int MaxStackTraceLength = 32 * 1024;
    private const int MaxMessageLength = 8 * 1024;

    public static LogError Capture(Exception exception, int maxDepth, string? code)
    {
        var inner = new List<LogError>();
        if (maxDepth > 0)
        {
            if (exception is AggregateException aggregate)
            {
                foreach (var item in aggregate.InnerExceptions)
                {
                    if (inner.Count == MaxInnerPerLevel)
                    {
                        break;
                    }

                    inner.Add(Capture(item, maxDepth - 1, null));
                }
            }
            else if (exception.InnerException is { } innerException)
            {
                inner.Add(Capture(innerException, maxDepth - 1, null));
            }
        }

        return new LogError
        {
            Type = exception.GetType().FullName ?? exception.GetType().Name,
            Message = ValueSnapshot.Sanitize(Safe(() => exception.Message) ?? string.Empty, MaxMessageLength),
            StackTrace = Safe(() => exception.StackTrace) is { } stack ? ValueSnapshot.Sanitize(stack, MaxStackTraceLength) : null,
            Code = code ?? (exception.HResult != 0 ? "0x" + exception.HResult.ToString("X8", CultureInfo.InvariantCulture) : null),
            InnerErrors = inner,
        };
    }

    private static string? Safe(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex)
        {
            return $"[unavailable: {ex.GetType().Name}]";
        }
    }
}
