namespace HybridLogging;

/// <summary>What <see cref="LogStreamManager.QueryLogs"/> returns: recent entries of one or all streams.</summary>
public sealed class LogQuery
{
    /// <summary>Only this stream's entries (null: all streams, each entry once).</summary>
    public string? StreamId { get; set; }

    /// <summary>Only entries this filter passes (null: all).</summary>
    public LogFilter? Filter { get; set; }

    /// <summary>At most this many, the newest (null: all kept).</summary>
    public int? Limit { get; set; }
}
