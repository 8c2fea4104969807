using System.Buffers;

namespace HybridLogging.Formatting;

/// <summary>
/// Writes one output shape of a log entry (our JSON line, text, an Elastic Common Schema document, ...) from the
/// pipeline's read-only view of the entry. Each shape has exactly one formatter; the pipeline runs it once per entry for
/// every destination whose sink takes its <see cref="Key"/> (see <see cref="IFormattedLogSink"/>).
/// </summary>
/// <remarks>
/// Implementations must not throw for any entry content (hostile strings, huge values, non-finite numbers), must write
/// exactly one record per call, and may be called from several threads at once (keep no per-call state in fields).
/// </remarks>
public abstract class LogEntryFormatter
{
    [ThreadStatic]
    private static LogEntryView? _entryView;

    /// <summary>
    /// Identifies the bytes this formatter writes: destinations whose formatters have the same key share one formatting of
    /// each entry. Include every setting that changes the output (for example <c>"text+ansi"</c>).
    /// </summary>
    public abstract string Key { get; }

    /// <summary>Writes one record for <paramref name="entry"/> to <paramref name="output"/>.</summary>
    public abstract void Write(LogEntryView entry, IBufferWriter<byte> output);

    /// <summary>
    /// Writes one record for an entry object (for sinks and tools that hold <see cref="LogEntry"/> objects), through the
    /// same code as <see cref="Write(LogEntryView, IBufferWriter{byte})"/>.
    /// </summary>
    public void Write(LogEntry entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(output);
        var view = _entryView ??= new LogEntryView();
        view.Load(entry);
        try
        {
            Write(view, output);
        }
        finally
        {
            view.Clear();
        }
    }
}
