using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// One formatted entry handed to an <see cref="IFormattedLogSink"/>: the bytes its formatter wrote, plus the few
/// facts about the entry that sinks route or partition by, so no sink has to parse its own output.
/// </summary>
public readonly struct LogRecord
{
    /// <summary>Creates a record (sinks' own tests, and sinks that wrap other sinks).</summary>
    /// <param name="bytes">The formatted entry, exactly as its formatter wrote it.</param>
    /// <param name="sequence">Sequence number of the entry, unique within its pipeline.</param>
    /// <param name="timestamp">When the entry was logged.</param>
    /// <param name="level">Its level.</param>
    /// <param name="source">Its source.</param>
    /// <param name="correlationId">Its correlation id, if any.</param>
    public LogRecord(ReadOnlyMemory<byte> bytes, long sequence, DateTimeOffset timestamp, LogLevel level, string source, string? correlationId)
    {
        Bytes = bytes;
        Sequence = sequence;
        TimestampTicks = timestamp.UtcTicks;
        Level = level;
        Source = source ?? string.Empty;
        _correlation = correlationId;
    }

    internal LogRecord(ReadOnlyMemory<byte> bytes, in RecordInfo info)
    {
        Bytes = bytes;
        Sequence = info.Sequence;
        TimestampTicks = info.TimestampTicks;
        Level = info.Level;
        Source = info.Source;
        _correlation = info.Correlation;
    }

    // The id's text, or the context whose generated id it is (its text is made on first read, then shared).
    private readonly object? _correlation;

    /// <summary>The formatted entry (for the JSON formatter: one JSON object and its trailing newline).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>
    /// The entry's sequence number: unique within its pipeline, increasing in dispatch order, and the same on every retry
    /// of the record (sinks build idempotent document ids from it).
    /// </summary>
    public long Sequence { get; }

    /// <summary>UTC ticks of <see cref="Timestamp"/>.</summary>
    public long TimestampTicks { get; }

    /// <summary>When the entry was logged (UTC).</summary>
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);

    /// <summary>The entry's level.</summary>
    public LogLevel Level { get; }

    /// <summary>The entry's source (see <see cref="LogEntry.Source"/>).</summary>
    public string Source { get; }

    /// <summary>The entry's correlation id, if any.</summary>
    public string? CorrelationId => Internal.CorrelationIds.Text(_correlation);

    internal RecordInfo Info => new(0, Bytes.Length, Sequence, TimestampTicks, Level, Source, _correlation);
}

/// <summary>
/// What the dispatcher records about each formatted entry, next to its bytes in a chunk. <paramref name="Correlation"/>
/// is the correlation id as the view holds it: its text, or the <see cref="CorrelationContext"/> whose generated id it
/// is (see <see cref="LogEntryView.GeneratedCorrelation"/>).
/// </summary>
internal readonly record struct RecordInfo(int Offset, int Length, long Sequence, long TimestampTicks, LogLevel Level, string Source, object? Correlation)
{
    public RecordInfo At(int offset) => this with { Offset = offset };
}
