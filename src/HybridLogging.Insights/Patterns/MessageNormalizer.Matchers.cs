using System.Buffers;

namespace HybridLogging.Insights.Patterns;

// The token shapes. Each matcher returns the length of the match at s[i..] (0 for none) and never reads past the span.
internal sealed partial class MessageNormalizer
{
    // Unit words after a number (no space: "250ms"; one space: "250 ms"), longest first so "ms" wins over "m".
    private static readonly string[] TightUnits = ["ns", "us", "µs", "μs", "ms", "secs", "sec", "s", "mins", "min", "m", "hrs", "hr", "h"];
    private static readonly string[] SpacedUnits =
    [
        "nanoseconds", "microseconds", "milliseconds", "millisecond", "seconds", "second", "minutes", "minute", "hours", "hour",
        "ns", "us", "µs", "ms", "secs", "sec", "s", "mins", "min", "hrs", "hr", "h",
    ];

    private static readonly SearchValues<char> PathStops = CreatePathStops();

    internal static int MatchGuid(ReadOnlySpan<char> s, int i)
    {
        if (s.Length - i < 36)
        {
            return 0;
        }

        for (var k = 0; k < 36; k++)
        {
            var c = s[i + k];
            var ok = k is 8 or 13 or 18 or 23 ? c == '-' : IsHexDigit(c);
            if (!ok)
            {
                return 0;
            }
        }

        return EndsToken(s, i + 36) ? 36 : 0;
    }

    internal static int MatchIPv4(ReadOnlySpan<char> s, int i)
    {
        var p = i;
        for (var part = 0; part < 4; part++)
        {
            var start = p;
            while (p < s.Length && p - start < 3 && IsDigit(s[p]))
            {
                p++;
            }

            if (p == start || (part < 3 && !At(s, p++, '.')))
            {
                return 0;
            }
        }

        if (At(s, p, '/') && Digits(s, p + 1, 1))
        {
            p += Digits(s, p + 2, 1) ? 3 : 2; // CIDR suffix
        }

        return p < s.Length && (IsWordChar(s[p]) || (s[p] == '.' && p + 1 < s.Length && IsDigit(s[p + 1]))) ? 0 : p - i;
    }

    // Hex groups of up to 4 digits separated by colons: at least two colons and either "::" or all eight groups.
    internal static int MatchIPv6(ReadOnlySpan<char> s, int i)
    {
        int p = i, colons = 0, group = 0;
        var doubleColon = false;
        while (p < s.Length)
        {
            var c = s[p];
            if (IsHexDigit(c))
            {
                if (++group > 4)
                {
                    return 0;
                }
            }
            else if (c == ':')
            {
                if (p > i && s[p - 1] == ':')
                {
                    doubleColon = true;
                }

                colons++;
                group = 0;
            }
            else
            {
                break;
            }

            p++;
        }

        // A trailing single colon is punctuation ("at fe80::1: refused").
        if (p > i + 1 && s[p - 1] == ':' && s[p - 2] != ':')
        {
            p--;
            colons--;
        }

        if (colons < 2 || !(doubleColon || colons == 7) || colons > 7 || (p < s.Length && IsWordChar(s[p])))
        {
            return 0;
        }

        return p - i;
    }

    // 0x1F2E, or a run of 8+ hex digits with at least one digit and one letter (hashes, trace ids, object ids).
    internal static int MatchHex(ReadOnlySpan<char> s, int i)
    {
        if (s[i] == '0' && At(s, i + 1, 'x', 'X') && i + 2 < s.Length && IsHexDigit(s[i + 2]))
        {
            var q = i + 2;
            while (q < s.Length && IsHexDigit(s[q]))
            {
                q++;
            }

            return EndsToken(s, q) ? q - i : 0;
        }

        int p = i, digits = 0;
        while (p < s.Length && IsHexDigit(s[p]))
        {
            digits += IsDigit(s[p]) ? 1 : 0;
            p++;
        }

        var length = p - i;
        return length >= 8 && digits > 0 && digits < length && EndsToken(s, p) ? length : 0;
    }

    internal static int MatchEmail(ReadOnlySpan<char> s, int i)
    {
        var p = i;
        while (p < s.Length && (IsLetter(s[p]) || IsDigit(s[p]) || s[p] is '.' or '_' or '%' or '+' or '-'))
        {
            p++;
        }

        if (p == i || !At(s, p, '@'))
        {
            return 0;
        }

        var domainStart = ++p;
        var lastDot = -1;
        while (p < s.Length && (IsLetter(s[p]) || IsDigit(s[p]) || s[p] is '-' or '.'))
        {
            if (s[p] == '.')
            {
                lastDot = p;
            }

            p++;
        }

        if (p > domainStart && s[p - 1] == '.')
        {
            p--; // sentence full stop
            lastDot = s[domainStart..p].LastIndexOf('.') is var d and >= 0 ? domainStart + d : -1;
        }

        return lastDot > domainStart && lastDot < p - 1 ? p - i : 0;
    }

    internal static int MatchUrl(ReadOnlySpan<char> s, int i)
    {
        var p = i;
        while (p < s.Length && p - i <= 16 && (IsLetter(s[p]) || IsDigit(s[p]) || s[p] is '+' or '.' or '-'))
        {
            p++;
        }

        if (p + 3 >= s.Length || s[p] != ':' || s[p + 1] != '/' || s[p + 2] != '/' || !IsPathChar(s[p + 3]))
        {
            return 0;
        }

        var end = PathEnd(s, p + 3);
        return end > p + 3 ? end - i : 0;
    }

    // /var/log/app.log, ./bin, ../x, ~/x, \\server\share; a lone "/" or "/ " is not a path.
    internal static int MatchPath(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        var start = c switch
        {
            '/' when i + 1 < s.Length && (IsWordChar(s[i + 1]) || s[i + 1] is '.' or '-' or '~') => i + 1,
            '~' when At(s, i + 1, '/') => i + 2,
            '.' when At(s, i + 1, '/') => i + 2,
            '.' when At(s, i + 1, '.') && At(s, i + 2, '/') => i + 3,
            '\\' when At(s, i + 1, '\\') && i + 2 < s.Length && IsWordChar(s[i + 2]) => i + 2,
            _ => -1,
        };

        if (start < 0)
        {
            return 0;
        }

        var end = PathEnd(s, start);
        return end > start ? end - i : 0;
    }

    internal static int MatchWindowsPath(ReadOnlySpan<char> s, int i)
    {
        if (!At(s, i + 1, ':') || !At(s, i + 2, '\\'))
        {
            return 0;
        }

        var end = PathEnd(s, i + 3);
        return end > i + 3 ? end - i : 0;
    }

    // An integer or decimal (optionally signed), and when a time unit follows, the whole duration.
    internal static (int Length, string Placeholder) MatchNumberOrDuration(ReadOnlySpan<char> s, int i)
    {
        var p = s[i] is '-' or '+' ? i + 1 : i;
        while (p < s.Length && IsDigit(s[p]))
        {
            p++;
        }

        if (At(s, p, '.') && p + 1 < s.Length && IsDigit(s[p + 1]))
        {
            p += 2;
            while (p < s.Length && IsDigit(s[p]))
            {
                p++;
            }
        }

        if (Unit(s, p, TightUnits) is var tight and > 0)
        {
            return (p + tight - i, Placeholders.Duration);
        }

        if (At(s, p, ' ') && Unit(s, p + 1, SpacedUnits) is var spaced and > 0)
        {
            return (p + 1 + spaced - i, Placeholders.Duration);
        }

        if (p < s.Length && IsLetter(s[p]) && MatchDigitLedId(s, i) is var id and > 0)
        {
            return (id, Placeholders.Id);
        }

        return (p - i, Placeholders.Number);
    }

    // A token that starts with a digit and mixes in letters, long enough not to be a quantity with a unit ("500MB", "3rd"):
    // 8+ characters with 3+ digits and 2+ letters (request ids such as 5QJ8K2L1M3N4P5R6).
    internal static int MatchDigitLedId(ReadOnlySpan<char> s, int i)
    {
        int p = i, digits = 0, letters = 0;
        while (p < s.Length && (IsLetter(s[p]) || IsDigit(s[p])))
        {
            digits += IsDigit(s[p]) ? 1 : 0;
            letters += IsLetter(s[p]) ? 1 : 0;
            p++;
        }

        return p - i >= 8 && digits >= 3 && letters >= 2 && EndsToken(s, p) ? p - i : 0;
    }

    // A word that starts with a letter and holds three or more digits: user123456, i-0abc12345, order_98812.
    internal static int MatchId(ReadOnlySpan<char> s, int i)
    {
        int p = i, digits = 0;
        while (p < s.Length && (IsLetter(s[p]) || IsDigit(s[p]) || s[p] is '_' or '-'))
        {
            digits += IsDigit(s[p]) ? 1 : 0;
            p++;
        }

        while (p > i && s[p - 1] == '-')
        {
            p--;
        }

        return digits >= 3 ? p - i : 0;
    }

    private static int Unit(ReadOnlySpan<char> s, int p, string[] units)
    {
        // Every unit starts with one of these; most numbers are followed by something else.
        if (p >= s.Length || s[p] is not ('n' or 'u' or 'µ' or 'μ' or 'm' or 's' or 'h'))
        {
            return 0;
        }

        foreach (var unit in units)
        {
            if (p + unit.Length <= s.Length && s.Slice(p, unit.Length).SequenceEqual(unit) && EndsToken(s, p + unit.Length))
            {
                return unit.Length;
            }
        }

        return 0;
    }

    internal static int PathEnd(ReadOnlySpan<char> s, int start)
    {
        // Paths and URLs are the longest tokens: one vectorised search for their end instead of a test per character.
        var stop = s[start..].IndexOfAny(PathStops);
        var p = stop < 0 ? s.Length : start + stop;

        while (p > start && s[p - 1] is '.' or ',' or ':' or ';' or '!' or '?')
        {
            p--; // punctuation that ends the sentence, not the path
        }

        return p;
    }

    private static bool IsPathChar(char c) => !PathStops.Contains(c);

    // Every white-space character (char.IsWhiteSpace) and the punctuation that closes a quoted or bracketed path.
    private static SearchValues<char> CreatePathStops()
    {
        var stops = new List<char>("\"'<>()[]{}|`,");
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsWhiteSpace((char)c))
            {
                stops.Add((char)c);
            }
        }

        return SearchValues.Create([.. stops]);
    }

    private static bool EndsToken(ReadOnlySpan<char> s, int p) => p >= s.Length || !IsWordChar(s[p]);

    private static bool At(ReadOnlySpan<char> s, int p, char c) => p < s.Length && s[p] == c;

    private static bool At(ReadOnlySpan<char> s, int p, char a, char b) => p < s.Length && (s[p] == a || s[p] == b);

    private static bool At(ReadOnlySpan<char> s, int p, char a, char b, char c) => p < s.Length && (s[p] == a || s[p] == b || s[p] == c);

    private static bool Digits(ReadOnlySpan<char> s, int p, int count)
    {
        if (p + count > s.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            if (!IsDigit(s[p + k]))
            {
                return false;
            }
        }

        return true;
    }
}
