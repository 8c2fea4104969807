using System.Diagnostics.Tracing;

namespace HybridLogging.Internal;

/// <summary>
/// The library's own diagnostics. Never goes through the logging pipeline (so it cannot recurse): it writes to the
/// <c>HybridLogging</c> EventSource and to the optional callback set with <see cref="HybridLogging.HybridSelfLog.Enable"/>.
/// </summary>
[EventSource(Name = "HybridLogging")]
internal sealed class SelfLog : EventSource
{
    public static readonly SelfLog Instance = new();

    private static Action<string>? _output;

    private SelfLog()
    {
    }

    public static void SetOutput(Action<string>? output) => Volatile.Write(ref _output, output);

    public static void Report(string message)
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
            // The self-log must never throw into the pipeline or the app.
        }
    }

    [Event(1, Level = EventLevel.Warning, Message = "{0}")]
    private void Message(string message) => WriteEvent(1, message);
}
