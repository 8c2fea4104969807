namespace HybridLogging;

/// <summary>
/// The library's own diagnostics (sink failures, drop reports, invalid configuration). Also published on the
/// <c>HybridLogging</c> EventSource. Output never goes through the logging pipeline, so it cannot loop.
/// </summary>
/// <remarks>
/// Repeats are rate-limited: the first message of a kind is written at once; further messages of the same kind within
/// 30 seconds are counted, and when that window ends one summary line carries the last of them and the exact count
/// (<c>... [and 209 more like this since 2026-11-30T23:01:02.0000000+00:00]</c>). A kind is the message with every run
/// of digits masked, or the kind a caller names. Pending summaries are also written by <see cref="Flush"/>,
/// <see cref="Enable"/> and <see cref="Disable"/>.
/// </remarks>
public static class HybridSelfLog
{
    /// <summary>
    /// Sends self-diagnostics to <paramref name="output"/> (for example <c>Console.Error.WriteLine</c>). Summaries pending
    /// for a previous callback are written to it first; the new callback gets the first message of every kind.
    /// </summary>
    public static void Enable(Action<string> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Internal.SelfLog.SetOutput(output);
    }

    /// <summary>
    /// Reports a problem on the self-diagnostics channel (EventSource and callback). For sink packages whose background
    /// work (for example file housekeeping) has no batch to fail. Repeats of the same message (digits masked) are
    /// rate-limited. Never throws.
    /// </summary>
    public static void Report(string message)
    {
        if (message is not null)
        {
            Internal.SelfLog.Report(message);
        }
    }

    /// <summary>
    /// Reports a problem whose text varies beyond its digits (paths, ids, exception messages), rate-limited by
    /// <paramref name="kind"/>, a short fixed name of the problem (for example <c>"s3-upload-failed"</c>). Never throws.
    /// </summary>
    public static void Report(string kind, string message)
    {
        if (message is not null)
        {
            Internal.SelfLog.Report(message, string.IsNullOrEmpty(kind) ? null : kind);
        }
    }

    /// <summary>Writes the pending summaries of rate-limited repeats now (for example just before the process exits).</summary>
    public static void Flush() => Internal.SelfLog.Flush();

    /// <summary>Stops sending self-diagnostics to the callback, after writing the pending summaries to it.</summary>
    public static void Disable() => Internal.SelfLog.SetOutput(null);
}
