namespace HybridLogging.Insights;

/// <summary>Options for pattern aggregation (heavy hitters over message templates and normalised free text).</summary>
public sealed class PatternOptions
{
    /// <summary>
    /// How many patterns are tracked (the Space-Saving capacity K). Every pattern whose true count exceeds N/K (N = entries
    /// observed) is guaranteed to be in the table, with a count that overestimates by at most N/K. Memory grows linearly
    /// with K (about 1 KB per pattern plus its samples). Default 1000.
    /// </summary>
    public int MaxPatterns { get; set; } = 1000;

    /// <summary>How many error groups (exception type + pattern + source) are tracked, with the same guarantee. Default 200.</summary>
    public int MaxErrorGroups { get; set; } = 200;

    /// <summary>Distinct sample messages kept per pattern (the first ones seen since it entered the table). Default 3.</summary>
    public int MaxSamples { get; set; } = 3;

    /// <summary>Property and metadata keys kept per pattern. Default 16.</summary>
    public int MaxPropertyKeys { get; set; } = 16;

    /// <summary>
    /// How many characters of a free-text message are normalised into its pattern (the rest is ignored, which bounds the
    /// per-entry cost and the pattern length). Default 500.
    /// </summary>
    public int MaxMessageLength { get; set; } = 500;

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(errors, MaxPatterns, nameof(MaxPatterns), 1, 1_000_000);
        Check(errors, MaxErrorGroups, nameof(MaxErrorGroups), 1, 1_000_000);
        Check(errors, MaxSamples, nameof(MaxSamples), 0, 100);
        Check(errors, MaxPropertyKeys, nameof(MaxPropertyKeys), 0, 1000);
        Check(errors, MaxMessageLength, nameof(MaxMessageLength), 16, 1_000_000);
        return errors;
    }

    internal static void Check(List<string> errors, int value, string name, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"Insights: {name} must be between {min} and {max} (was {value}).");
        }
    }
}
