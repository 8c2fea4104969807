namespace HybridLogging;

/// <summary>When a file sink starts a new file regardless of size. Boundaries are in UTC.</summary>
public enum FileRollingInterval
{
    /// <summary>Roll by size only.</summary>
    None = 0,

    /// <summary>Start a new file at the first write after each full UTC hour.</summary>
    Hourly = 1,

    /// <summary>Start a new file at the first write after each UTC midnight.</summary>
    Daily = 2,
}
