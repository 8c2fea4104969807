namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Splits a property name into lower-case word tokens: at every character that is not a letter or digit
/// (<c>_</c>, <c>-</c>, <c>.</c>, space, …), between a lower-case and an upper-case letter (<c>apiKey</c>), before the last
/// capital of an acronym that starts a word (<c>APIKey</c> → api|key, <c>AWSSecretAccessKey</c> → aws|secret|access|key),
/// and between letters and digits (<c>sha256</c> → sha|256). An acronym's plural stays one token (<c>APIs</c> → apis).
/// </summary>
internal static class NameTokenizer
{
    private enum Kind : byte
    {
        Other,
        Lower,
        Upper,
        Digit,
    }

    /// <summary>
    /// Writes the name's letters and digits, lower-cased, to <paramref name="normalized"/> (at least as long as the name)
    /// and the offset of each token's first character to <paramref name="starts"/> (at least the name's length + 1),
    /// followed by one more entry holding the normalized length, so token <c>i</c> is
    /// <c>normalized[starts[i]..starts[i + 1]]</c>.
    /// </summary>
    /// <returns>The number of tokens.</returns>
    public static int Tokenize(ReadOnlySpan<char> name, Span<char> normalized, Span<int> starts)
    {
        var length = 0;
        var tokens = 0;
        var previous = Kind.Other;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var kind = Classify(c);
            if (kind == Kind.Other)
            {
                previous = Kind.Other;
                continue;
            }

            if (previous == Kind.Other
                || (kind == Kind.Digit) != (previous == Kind.Digit)
                || (kind == Kind.Upper && previous == Kind.Lower)
                || (kind == Kind.Upper && previous == Kind.Upper && StartsLowerWord(name, i + 1)))
            {
                starts[tokens++] = length;
            }

            normalized[length++] = char.ToLowerInvariant(c);
            previous = kind;
        }

        starts[tokens] = length;
        return tokens;
    }

    /// <summary>Joins the name's tokens without separators (<c>API-Key</c> → <c>apikey</c>).</summary>
    public static string Normalize(string name)
    {
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (Classify(c) != Kind.Other)
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    // "APIKey": at 'K' the next character starts a lower-case word, so 'K' begins a new token. A single trailing 's'
    // ("APIs", "JWTs") is the acronym's plural, not a word.
    private static bool StartsLowerWord(ReadOnlySpan<char> name, int next)
    {
        if (next >= name.Length || Classify(name[next]) != Kind.Lower)
        {
            return false;
        }

        var isPlural = name[next] == 's' && (next + 1 == name.Length || Classify(name[next + 1]) != Kind.Lower);
        return !isPlural;
    }

    private static Kind Classify(char c)
    {
        if (char.IsAsciiLetterLower(c))
        {
            return Kind.Lower;
        }

        if (char.IsAsciiLetterUpper(c))
        {
            return Kind.Upper;
        }

        if (char.IsAsciiDigit(c))
        {
            return Kind.Digit;
        }

        if (c < 128)
        {
            return Kind.Other;
        }

        // Letters without case (CJK, …) read as lower case: they never start a token by themselves.
        return char.IsUpper(c) ? Kind.Upper : char.IsLetter(c) ? Kind.Lower : char.IsDigit(c) ? Kind.Digit : Kind.Other;
    }
}
