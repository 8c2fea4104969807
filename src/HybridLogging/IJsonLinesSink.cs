namespace HybridLogging;

/// <summary>
/// Optional for sinks that write JSON lines in the <see cref="Formatting.JsonLogFormatter"/> layout (files, streams):
/// the pipeline then formats each entry once, on its dispatcher thread, straight from the captured log call, and hands
/// the sink ready UTF-8 bytes instead of a batch of <see cref="LogEntry"/> objects. Entries written this way never
/// exist as <see cref="LogEntry"/> objects, which is what keeps the end-to-end path nearly allocation-free.
/// </summary>
/// <remarks>
/// The bytes are exactly what <see cref="Formatting.JsonLogFormatter"/> would write for the entries (redaction and
/// limits already applied): one JSON object per line, each line ending in <c>'\n'</c>, and no raw <c>'\n'</c> inside
/// a line (JSON escapes it). The same contract as <see cref="ILogSink.WriteBatchAsync"/> applies: calls never overlap,
/// the memory is reused once the call completes, and a sink that throws fails the batch; a retry passes the same
/// memory and count again, so a sink that wrote part of it must not write that part twice.
/// </remarks>
public interface IJsonLinesSink : ILogSink
{
    /// <summary>
    /// Whether this instance takes JSON lines (false, for example, when it is configured for plain text). Read once,
    /// when its destination is created.
    /// </summary>
    bool AcceptsJsonLines { get; }

    /// <summary>Writes <paramref name="entryCount"/> complete JSON lines held in <paramref name="lines"/>.</summary>
    ValueTask WriteJsonLinesAsync(ReadOnlyMemory<byte> lines, int entryCount, CancellationToken cancellationToken);
}
