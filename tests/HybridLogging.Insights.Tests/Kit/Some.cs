using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Kit;

internal static class Some
{
    public static LogEntry Entry(
        DateTimeOffset at,
        string message,
        string? template = null,
        string source = "Orders",
        LogLevel level = LogLevel.Information,
        Exception? exception = null,
        double? durationMs = null,
        IReadOnlyList<KeyValuePair<string, object?>>? properties = null) => new()
        {
            Timestamp = at,
            Level = level,
            Source = source,
            Category = "App." + source,
            Message = message,
            MessageTemplate = template,
            Error = exception is null ? null : LogError.FromException(exception),
            Duration = durationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Properties = properties ?? [],
        };
}
