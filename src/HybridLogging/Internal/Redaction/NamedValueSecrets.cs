using System.Buffers;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Values written after a secret name in text: <c>password=…</c> (connection strings, query strings, logfmt),
/// <c>"apiKey": "…"</c> (JSON), <c>Authorization: …</c> (header lines, YAML), and the password of a URL's user
/// information (<c>postgres://user:…@host</c>). The names are judged by <see cref="SecretNames"/>, so the configured
/// list applies and <c>max_tokens=100</c> stays. One vectorised search for <c>:</c> and <c>=</c> finds the candidates.
/// </summary>
internal static class NamedValueSecrets
{
    private const int MaxNameLength = 128;

    private static readonly SearchValues<char> s_separators = SearchValues.Create(":=");

    // Where an unquoted value ends in running text, and in a connection string (where values may hold spaces).
    private static readonly SearchValues<char> s_wordEnd = SearchValues.Create(" \t\r\n;&,\"'()[]{}<>");
    private static readonly SearchValues<char> s_connectionEnd = SearchValues.Create(";\r\n");
    private static readonly SearchValues<char> s_lineEnd = SearchValues.Create("\r\n");
    private static readonly SearchValues<char> s_userInfoEnd = SearchValues.Create("@/?# \t\r\n");

    // Authentication schemes kept in front of the credentials they introduce ("Authorization: Bearer ***").
    private static readonly string[] s_schemes = ["bearer", "basic", "digest", "token", "negotiate", "ntlm", "apikey", "sso-key"];

    /// <summary>Finds the first named secret value that starts at or after <paramref name="startAt"/>.</summary>
    public static bool TryFind(ReadOnlySpan<char> text, int startAt, SecretNames names, out SecretMatch match)
    {
        var i = startAt;
        while (i < text.Length)
        {
            var hit = text[i..].IndexOfAny(s_separators);
            if (hit < 0)
            {
                break;
            }

            var separator = i + hit;
            if (TryAt(text, separator, names, out match))
            {
                return true;
            }

            i = separator + 1;
        }

        match = default;
        return false;
    }

    private static bool TryAt(ReadOnlySpan<char> text, int separator, SecretNames names, out SecretMatch match)
    {
        match = default;
        var sep = text[separator];
        var next = separator + 1 < text.Length ? text[separator + 1] : '\0';
        var previous = separator > 0 ? text[separator - 1] : '\0';
        if (next is '=' or '>' or ':' || previous is '=' or '!' or '<' or '>' or ':')
        {
            return false; // an operator (==, !=, =>, >=) or a C++/IPv6 "::"
        }

        var nameEnd = separator;
        while (nameEnd > 0 && text[nameEnd - 1] is ' ' or '\t' && separator - nameEnd < 8)
        {
            nameEnd--;
        }

        var quoted = nameEnd > 0 && text[nameEnd - 1] is '"' or '\'';
        if (quoted)
        {
            nameEnd--;
        }

        var nameStart = nameEnd;
        while (nameStart > 0 && IsNameChar(text[nameStart - 1]) && nameEnd - nameStart < MaxNameLength)
        {
            nameStart--;
        }

        if (sep == ':' && !quoted && nameEnd == separator && IsAfterSchemeSlashes(text, nameStart))
        {
            return TryUrlPassword(text, separator, out match);
        }

        var name = text[nameStart..nameEnd];
        if (!HasLetter(name) || !names.IsSecret(name))
        {
            return false;
        }

        var start = SkipSpaces(text, separator + 1);
        if (start >= text.Length)
        {
            return false;
        }

        int end;
        if (text[start] is '"' or '\'')
        {
            start++;
            end = QuotedEnd(text, start, text[start - 1]);
            start = SkipScheme(text, start, end);
        }
        else if (sep == ':' && StartsLine(text, quoted ? nameStart - 1 : nameStart))
        {
            // A header or YAML line: the value is the rest of the line ("Cookie: a=1; b=2").
            start = SkipScheme(text, start, text.Length);
            end = EndAt(text, start, s_lineEnd);
        }
        else if (sep == '=' && IsConnectionPart(text, nameStart, start))
        {
            end = EndAt(text, start, s_connectionEnd);
        }
        else
        {
            end = EndAt(text, start, s_wordEnd);
            var credentials = SkipScheme(text, start, text.Length);
            if (credentials != start)
            {
                start = credentials;
                end = EndAt(text, start, s_wordEnd);
            }
        }

        while (end > start && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        // A value that starts with the marker was redacted before; what follows the marker was judged not secret.
        if (end == start || text[start..end].StartsWith(SecretPatterns.Marker, StringComparison.Ordinal))
        {
            return false;
        }

        match = new SecretMatch(start, end - start, SecretKind.NamedValue);
        return true;
    }

    // scheme://user:password@host — only when an '@' ends the user information.
    private static bool TryUrlPassword(ReadOnlySpan<char> text, int separator, out SecretMatch match)
    {
        match = default;
        var start = separator + 1;
        var length = text[start..].IndexOfAny(s_userInfoEnd);
        if (length <= 0 || text[start + length] != '@' || text.Slice(start, length).SequenceEqual(SecretPatterns.Marker))
        {
            return false;
        }

        match = new SecretMatch(start, length, SecretKind.UrlPassword);
        return true;
    }

    private static bool IsAfterSchemeSlashes(ReadOnlySpan<char> text, int nameStart) =>
        nameStart >= 3 && text[nameStart - 1] == '/' && text[nameStart - 2] == '/' && text[nameStart - 3] == ':';

    private static int QuotedEnd(ReadOnlySpan<char> text, int start, char quote)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == quote || c is '\r' or '\n')
            {
                return i;
            }
        }

        return text.Length;
    }

    // "Bearer abc" after a secret name: keep the scheme, redact what follows.
    private static int SkipScheme(ReadOnlySpan<char> text, int start, int limit)
    {
        foreach (var scheme in s_schemes)
        {
            var after = start + scheme.Length;
            if (after < limit && text[start..].StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && text[after] == ' ')
            {
                var credentials = SkipSpaces(text, after);
                return credentials < limit && !s_wordEnd.Contains(text[credentials]) ? credentials : start;
            }
        }

        return start;
    }

    // Only blanks (or an opening brace/comma of an object) between the start of the line and the name.
    private static bool StartsLine(ReadOnlySpan<char> text, int nameStart)
    {
        for (var i = nameStart - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                return true;
            }

            if (c is not (' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    // "Server=.;Password=a b;" — values of a connection string may hold spaces and end at ';'. The name follows a ';',
    // or starts the text and a ';' ends its value on the same line ("password=a b c" alone is logfmt, not a connection).
    private static bool IsConnectionPart(ReadOnlySpan<char> text, int nameStart, int valueStart)
    {
        var i = nameStart - 1;
        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        if (i >= 0)
        {
            return text[i] == ';';
        }

        var end = EndAt(text, valueStart, s_connectionEnd);
        return end < text.Length && text[end] == ';';
    }

    private static int EndAt(ReadOnlySpan<char> text, int start, SearchValues<char> stops)
    {
        var length = text[start..].IndexOfAny(stops);
        return length < 0 ? text.Length : start + length;
    }

    private static int SkipSpaces(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    // A loop, not ContainsAnyExceptInRange: that allocates (96 B a call on .NET 10.0.12), and names are short.
    private static bool HasLetter(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (char.IsAsciiLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
