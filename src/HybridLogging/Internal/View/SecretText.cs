namespace HybridLogging.Internal;

/// <summary>Replaces secret values in text a state's formatter produced, only where they stand as whole words.</summary>
internal static class SecretText
{
    public static string ReplaceWholeWords(string text, List<string> secrets)
    {
        // Longest first, so a secret that contains another is replaced whole.
        secrets.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        var current = text;
        foreach (var secret in secrets)
        {
            if (secret.Length == 0)
            {
                continue;
            }

            var index = current.IndexOf(secret, StringComparison.Ordinal);
            while (index >= 0)
            {
                var end = index + secret.Length;
                var wholeWord = (index == 0 || !char.IsLetterOrDigit(current[index - 1])) && (end == current.Length || !char.IsLetterOrDigit(current[end]));
                if (wholeWord)
                {
                    current = string.Concat(current.AsSpan(0, index), ValueSnapshot.RedactedMarker, current.AsSpan(end));
                    end = index + ValueSnapshot.RedactedMarker.Length;
                }

                index = end < current.Length ? current.IndexOf(secret, end, StringComparison.Ordinal) : -1;
            }
        }

        return current;
    }
}
