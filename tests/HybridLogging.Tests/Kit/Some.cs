using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Kit;

/// <summary>Factories for test data with sensible defaults; override only what a test cares about.</summary>
internal static class Some
{
    private static int _sequence;

    public static LogEntry LogEntry(
        string? message = null,
        LogLevel level = LogLevel.Information,
        string category = "Tests.Kit.Some",
        IReadOnlyList<KeyValuePair<string, object?>>? properties = null) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Level = level,
        Category = category,
        Source = category[(category.LastIndexOf('.') + 1)..],
        Message = message ?? $"message {Interlocked.Increment(ref _sequence)}",
        Properties = properties ?? [],
    };

    /// <summary>Options with one collecting sink named "collect" and fast test-friendly timings.</summary>
    public static HybridLoggingOptions Options(ILogSink sink, Action<SinkOptions>? configureSink = null)
    {
        var options = new HybridLoggingOptions();
        options.AddSink("collect", sink, configureSink);
        return options;
    }
}
