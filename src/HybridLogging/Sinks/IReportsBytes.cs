namespace HybridLogging;

/// <summary>Optional for sinks: reports how many bytes they have written, for destination statistics.</summary>
public interface IReportsBytes
{
    /// <summary>Total bytes written (after compression, when the sink compresses).</summary>
    long BytesWritten { get; }
}
