namespace HybridLogging.Insights.Patterns;

/// <summary>A pattern is counted per source: the same text from two sources is two patterns.</summary>
internal readonly record struct PatternKey(string Source, string Pattern);

/// <summary>The key of a pattern still in the normaliser's buffer, to look it up without making a string.</summary>
internal readonly ref struct PatternSpanKey(string source, ReadOnlySpan<char> pattern)
{
    public string Source { get; } = source;

    public ReadOnlySpan<char> Pattern { get; } = pattern;
}

/// <summary>Ordinal comparison of pattern keys, also against <see cref="PatternSpanKey"/> (same hash for the same text).</summary>
internal sealed class PatternKeyComparer : IEqualityComparer<PatternKey>, IAlternateEqualityComparer<PatternSpanKey, PatternKey>
{
    public static readonly PatternKeyComparer Instance = new();

    public bool Equals(PatternKey x, PatternKey y) => string.Equals(x.Source, y.Source, StringComparison.Ordinal) && string.Equals(x.Pattern, y.Pattern, StringComparison.Ordinal);

    public int GetHashCode(PatternKey obj) => Hash(obj.Source, obj.Pattern);

    public bool Equals(PatternSpanKey alternate, PatternKey other)
        => string.Equals(alternate.Source, other.Source, StringComparison.Ordinal) && alternate.Pattern.SequenceEqual(other.Pattern);

    public int GetHashCode(PatternSpanKey alternate) => Hash(alternate.Source, alternate.Pattern);

    public PatternKey Create(PatternSpanKey alternate) => new(alternate.Source, new string(alternate.Pattern));

    private static int Hash(string source, ReadOnlySpan<char> pattern) => HashCode.Combine(string.GetHashCode(source), string.GetHashCode(pattern));
}

/// <summary>An error group: exception type (empty when none) and the pattern of the entry, per source.</summary>
internal readonly record struct ErrorKey(string ExceptionType, string Source, string Pattern);
