namespace HybridLogging.Internal.Redaction;

/// <summary>Where a secret value lies in a text: the characters that are replaced by <c>***</c>.</summary>
/// <param name="Start">Index of the secret's first character.</param>
/// <param name="Length">Number of characters replaced.</param>
/// <param name="Kind">What was recognised.</param>
internal readonly record struct SecretMatch(int Start, int Length, SecretKind Kind)
{
    /// <summary>Index just past the secret.</summary>
    public int End => Start + Length;
}
