namespace HybridLogging;

/// <summary>Output format of text sinks.</summary>
public enum LogFormat
{
    /// <summary>One JSON object per line.</summary>
    Json = 0,

    /// <summary>Human-readable single-line text (exceptions on following lines).</summary>
    Text = 1,
}
