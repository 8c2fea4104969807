using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>Settings of one source (for example <c>HybridRouter</c>).</summary>
public sealed class SourceOptions
{
    /// <summary>Whether entries of this source are logged at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Lowest level logged for this source; null uses the category rules or the global minimum. Default null.</summary>
    public LogLevel? MinimumLevel { get; set; }
}
