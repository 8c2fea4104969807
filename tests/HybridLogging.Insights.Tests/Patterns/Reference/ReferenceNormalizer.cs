using HybridLogging.Insights.Patterns;
using static HybridLogging.Insights.Patterns.MessageNormalizer;

namespace HybridLogging.Insights.Tests.Patterns.Reference;

/// <summary>
/// The oracle of the normaliser's property tests: the character-by-character scan that <see cref="MessageNormalizer"/>
/// shipped with before it learned to jump from trigger to trigger, with every matcher tried at every token start (no
/// gates on the digit run). The token matchers themselves are the normaliser's own; what this checks is the jumping and
/// the gates, which must give exactly the same pattern for every text. The vectorised end of a path is checked against
/// a character-by-character one separately.
/// </summary>
internal sealed class ReferenceNormalizer
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
                var (matched, name) = MatchFromLetter(text, i, _hasAt, _hasScheme, out var wordEnd);
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

        return MatchFromSymbol(s, i);
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
}
