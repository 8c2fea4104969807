using System.Diagnostics.Tracing;

namespace HybridLogging.Internal;

/// <summary>
/// The library's own diagnostics. Never goes through the logging pipeline (so it cannot recurse): it writes to the
/// <c>HybridLogging</c> EventSource and to the optional callback set with <see cref="HybridLogging.HybridSelfLog.Enable"/>.
/// </summary>
/// <remarks>
/// Repeats are rate-limited (<see cref="SelfLogThrottle"/>): a sink that fails every batch produces one line, then one
/// summary per window with the exact number of repeats, instead of one line per batch.
/// </remarks>
[EventSource(Name = "HybridLogging")]
internal sealed class SelfLog : EventSource
{
    public static readonly SelfLog Instance = new();

    private static readonly SelfLogThrottle Throttle = new(Emit);

    private static Action<string>? _output;

    private SelfLog()
    {
    }

    /// <summary>
    /// Sets the callback. Summaries still pending go to the previous one first, and the new one starts with no kind
    /// counted (its listener has not seen any message yet, so it gets the first of each).
    /// </summary>
    public static void SetOutput(Action<string>? output)
    {
        Flush();
        Volatile.Write(ref _output, output);
    }

    /// <summary>Reports <paramref name="message"/>, rate-limited by its kind (the message with digits masked).</summary>
    public static void Report(string message) => Report(message, kind: null);

    /// <summary>
    /// Reports <paramref name="message"/>, rate-limited by <paramref name="kind"/> (or, when null, the message with digits
    /// masked): repeats of a kind within the window are counted and summarised once the window ends.
    /// </summary>
    public static void Report(string message, string? kind)
    {
        try
        {
            Throttle.Report(message, kind);
        }
        catch
        {
            // The self-log must never throw into the pipeline or the app.
        }
    }

    /// <summary>Writes the pending summaries of repeated messages now (shutdown, tests).</summary>
    public static void Flush()
    {
        try
        {
            Throttle.Flush();
        }
        catch
        {
            // The self-log must never throw into the pipeline or the app.
        }
    }

    private static void Emit(string message)
    {
        try
        {
            if (Instance.IsEnabled())
            {
                Instance.Message(message);
            }

            Volatile.Read(ref _output)?.Invoke($"{DateTimeOffset.UtcNow:O} HybridLogging: {message}");
        }
        catch
        {
            // A throwing callback must not stop the other output, the pipeline or the app.
        }
    }

    [Event(1, Level = EventLevel.Warning, Message = "{0}")]
    private void Message(string message) => WriteEvent(1, message);
}
