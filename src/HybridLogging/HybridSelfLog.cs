namespace HybridLogging;

/// <summary>
/// The library's own diagnostics (sink failures, drop reports, invalid configuration). Also published on the
/// <c>HybridLogging</c> EventSource. Output never goes through the logging pipeline, so it cannot loop.
/// </summary>
public static class HybridSelfLog
{
    /// <summary>Sends self-diagnostics to <paramref name="output"/> (for example <c>Console.Error.WriteLine</c>).</summary>
    public static void Enable(Action<string> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Internal.SelfLog.SetOutput(output);
    }

    /// <summary>
    /// Reports a problem on the self-diagnostics channel (EventSource and callback). For sink packages whose background
    /// work (for example file housekeeping) has no batch to fail. Never throws.
    /// </summary>
    public static void Report(string message)
    {
        if (message is not null)
        {
            Internal.SelfLog.Report(message);
        }
    }

    /// <summary>Stops sending self-diagnostics to the callback.</summary>
    public static void Disable() => Internal.SelfLog.SetOutput(null);
}
