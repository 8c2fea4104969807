using HybridLogging.Insights.Patterns;

namespace HybridLogging.Insights.Tests.Patterns.Reference;

/// <summary>
/// The oracle of the normaliser's property tests: the character-by-character scan that <see cref="MessageNormalizer"/>
/// shipped with before it learned to jump from trigger to trigger (copied from commit 2b6ee52, matchers unchanged). The
/// fast scan must give exactly the same pattern for every text.
/// </summary>
internal sealed partial class ReferenceNormalizer
{
    private readonly int _maxInput;
    private char[] _buffer = new char[512];
    private int _length;
    private bool _hasAt;
    private bool _hasScheme;

    /// <param name="maxInput">Only the first <paramref name="maxInput"/> characters of a message are scanned.</param>
    public ReferenceNormalizer(int maxInput) => _maxInput = maxInput;

    /// <summary>The normalised text (valid until the next call).</summary>
    public ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        if (text.Length > _maxInput)
        {
            text = text[.._maxInput];
        }

        _length = 0;
        // Two vectorised searches per message spare most words the e-mail and URL scans.
        _hasAt = text.Contains('@');
        _hasScheme = text.IndexOf("://", StringComparison.Ordinal) > 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (i > 0 && IsWordChar(text[i - 1]))
            {
                Append(c);
                i++;
                continue;
            }

            if (IsLetter(c))
            {
                // A word: one scan decides which shapes are possible and, when none matches, where the word ends.
                var (matched, name) = MatchFromLetter(text, i, out var wordEnd);
                if (matched > 0)
                {
                    Append(name);
                    i += matched;
                }
                else
                {
                    Append(text[i..wordEnd]);
                    i = wordEnd;
                }

                continue;
            }

            var (length, placeholder) = Match(text, i);
            if (length > 0)
            {
                Append(placeholder);
                i += length;
            }
            else if (IsWordChar(c))
            {
                // An unmatched word is copied whole, so the digits inside it are not taken for numbers.
                var end = WordEnd(text, i);
                Append(text[i..end]);
                i = end;
            }
            else
            {
                Append(c);
                i++;
            }
        }

        return _buffer.AsSpan(0, _length);
    }

    private (int Length, string Placeholder) Match(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        int n;
        if (IsDigit(c))
        {
            if ((n = MatchGuid(s, i)) > 0)
            {
                return (n, Placeholders.Guid);
            }

            if ((n = MatchIsoDateOrTimestamp(s, i, out var isTimestamp)) > 0 || (n = MatchDayFirstDate(s, i, out isTimestamp)) > 0)
            {
                return (n, isTimestamp ? Placeholders.Timestamp : Placeholders.Date);
            }

            if ((n = MatchTime(s, i)) > 0)
            {
                return (n, Placeholders.Time);
            }

            if ((n = MatchIPv4(s, i)) > 0)
            {
                return (n, Placeholders.IPv4);
            }

            if ((n = MatchIPv6(s, i)) > 0)
            {
                return (n, Placeholders.IPv6);
            }

            if ((n = MatchHex(s, i)) > 0)
            {
                return (n, Placeholders.Hex);
            }

            if (_hasAt && (n = MatchEmail(s, i)) > 0)
            {
                return (n, Placeholders.Email);
            }

            return MatchNumberOrDuration(s, i);
        }

        return c switch
        {
            '/' or '~' or '.' or '\\' => (MatchPath(s, i), Placeholders.Path),
            ':' => (MatchIPv6(s, i), Placeholders.IPv6),
            '-' or '+' when IsSignPosition(s, i) => MatchNumberOrDuration(s, i),
            _ => (0, string.Empty),
        };
    }

    // Most words are plain words: one scan of the word decides which shapes are possible before any matcher runs.
    private (int Length, string Placeholder) MatchFromLetter(ReadOnlySpan<char> s, int i, out int wordEnd)
    {
        int end = i, digits = 0;
        var allHex = true;
        while (end < s.Length && IsWordChar(s[end]))
        {
            var ch = s[end];
            digits += IsDigit(ch) ? 1 : 0;
            allHex &= IsHexDigit(ch);
            end++;
        }

        wordEnd = end;
        var next = end < s.Length ? s[end] : '\0';
        int n;
        if (_hasScheme && next is ':' or '+' or '.' or '-' && (n = MatchUrl(s, i)) > 0)
        {
            return (n, Placeholders.Url);
        }

        if (_hasAt && (n = MatchEmail(s, i)) > 0)
        {
            return (n, Placeholders.Email);
        }

        if (end == i + 1 && next == ':' && (n = MatchWindowsPath(s, i)) > 0)
        {
            return (n, Placeholders.Path);
        }

        if (end == i + 3 && digits == 0 && (n = MatchNamedTimestamp(s, i)) > 0)
        {
            return (n, Placeholders.Timestamp);
        }

        if (allHex)
        {
            if (next == '-' && (n = MatchGuid(s, i)) > 0)
            {
                return (n, Placeholders.Guid);
            }

            if (next == ':' && (n = MatchIPv6(s, i)) > 0)
            {
                return (n, Placeholders.IPv6);
            }

            if (digits > 0 && (n = MatchHex(s, i)) > 0)
            {
                return (n, Placeholders.Hex);
            }
        }

        return digits >= 3 || next == '-' ? (MatchId(s, i), Placeholders.Id) : (0, string.Empty);
    }

    private void Append(char c)
    {
        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _buffer[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + text.Length));
        }

        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private static bool IsSignPosition(ReadOnlySpan<char> s, int i)
        => i + 1 < s.Length && IsDigit(s[i + 1]) && (i == 0 || s[i - 1] is ' ' or '\t' or '(' or '[' or '=' or ':' or ',');

    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    internal static bool IsLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (c > 0x7F && char.IsLetter(c));

    internal static bool IsHexDigit(char c) => char.IsAsciiHexDigit(c);

    internal static bool IsWordChar(char c) => IsDigit(c) || IsLetter(c) || c == '_';

    private static int WordEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && IsWordChar(s[i]))
        {
            i++;
        }

        return i;
    }
}
