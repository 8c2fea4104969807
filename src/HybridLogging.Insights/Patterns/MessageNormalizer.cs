using System.Buffers;

namespace HybridLogging.Insights.Patterns;

/// <summary>
/// Turns free text into a pattern by replacing the variable parts with named placeholders (see <see cref="Placeholders"/>):
/// <c>"User 123 logged in from 10.0.0.7"</c> becomes <c>"User {Number} logged in from {IPv4}"</c>.
/// </summary>
/// <remarks>
/// Hand-written scanner rather than Regex: it runs on the pipeline's dispatcher thread for every entry without a template,
/// and a dozen regular expressions (even source-generated ones) would each rescan the text. Every shape it replaces holds
/// at least one trigger character (a digit or one of <c>/ \ @ : -</c>), so a vectorised search jumps from trigger to
/// trigger and copies the text in between as it is; only the token around a trigger goes through the matchers
/// (<see cref="Step"/>), which are tried at a token start (the previous character is not a letter, digit or underscore)
/// in an order that lets the longest shapes win (a timestamp before a number, a URL before a path). The output buffer is
/// reused: the span is valid until the next call. Not thread-safe; one instance per dispatcher.
/// </remarks>
internal sealed partial class MessageNormalizer
{
    private static readonly SearchValues<char> Triggers = SearchValues.Create("0123456789/\\@:-");

    private readonly int _maxInput;
    private char[] _buffer = new char[512];
    private int _length;
    private bool _hasAt;
    private bool _hasScheme;

    /// <param name="maxInput">Only the first <paramref name="maxInput"/> characters of a message are scanned.</param>
    public MessageNormalizer(int maxInput) => _maxInput = maxInput;

    /// <summary>The normalised text (valid until the next call).</summary>
    public ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        if (text.Length > _maxInput)
        {
            text = text[.._maxInput];
        }

        // Invariant: the room left in the buffer is at least the text left to scan. Copying keeps it; only a placeholder
        // longer than what it replaces checks for room (AppendPlaceholder), so the plain appends need no check.
        if (_buffer.Length < text.Length)
        {
            _buffer = new char[Math.Max(text.Length, _buffer.Length * 2)];
        }

        _length = 0;
        // Two vectorised searches per message spare most words the e-mail and URL scans.
        _hasAt = text.Contains('@');
        _hasScheme = text.IndexOf("://", StringComparison.Ordinal) > 0;
        var i = 0;
        while (i < text.Length)
        {
            var found = text[i..].IndexOfAny(Triggers);
            if (found < 0)
            {
                Append(text[i..]);
                break;
            }

            // Text before the token that holds the trigger has no shape in it: copied as it is. Then the matchers run
            // from that token's start until the scan is past the trigger. Both start and end are positions a
            // character-by-character scan would also stop at, so the output is the same as scanning every character.
            var trigger = i + found;
            var start = TokenStart(text, i, trigger);
            Append(text[i..start]);
            i = start;
            while (i <= trigger)
            {
                i = Step(text, i);
            }
        }

        return _buffer.AsSpan(0, _length);
    }

    // Where a shape holding the trigger at s[trigger] can start (never before floor, where the scan stands). Going back
    // over word characters reaches the start of the word (user123, C:\, fe80::1); e-mail local parts and URL schemes also
    // hold '.', '%', '+' and '-'; paths start with "./", "../" or "~/", signed numbers with '+'; syslog and RFC 1123
    // timestamps start with a month or day name before the digits ("Dec  1 02:07:42", "Tue, 15 Nov 1994 ..."). The word
    // before '/', '\' or a ':' that starts no drive, IPv6 address or URL is left out: it is copied as it is anyway, and
    // words such as "HTTP/1.1" or "System.IO.FileNotFoundException:" are common.
    private int TokenStart(ReadOnlySpan<char> s, int floor, int trigger)
    {
        var p = trigger;
        var t = s[trigger];
        if (t is '/' or '\\')
        {
            // No shape starting with a letter holds '/' or '\' before a ':', '@' or digit (URL schemes end with "://").
            while (p > floor && s[p - 1] is '.' or '~')
            {
                p--;
            }

            return p;
        }

        if (t == ':' && !_hasScheme && !StartsShapeBeforeColon(s, floor, trigger))
        {
            return trigger;
        }

        var wide = _hasAt || _hasScheme;
        while (p > floor)
        {
            var c = s[p - 1];
            if (IsWordChar(c) || c > 0x7F || c is '~' or '+' || (c is '.' && (wide || s[p] is '/' or '.')) || (wide && c is '%' or '-'))
            {
                p--;
            }
            else
            {
                break;
            }
        }

        if (p == trigger && p - floor >= 4 && s[p - 1] == ' ' && IsDigit(t))
        {
            var q = s[p - 2] is ' ' or ',' ? p - 2 : p - 1;
            if (q - 3 >= floor && IsLetter(s[q - 1]) && IsLetter(s[q - 2]) && IsLetter(s[q - 3]) && (q - 3 == floor || !IsWordChar(s[q - 4])))
            {
                p = q - 3;
            }
        }

        return p;
    }

    // Without a URL in the text, a word right before ':' starts a shape only as a drive letter or an IPv6 hex group: true
    // when the word is all hex digits or one character long. Reads back only over hex digits ("Exception:" stops at 'n').
    private static bool StartsShapeBeforeColon(ReadOnlySpan<char> s, int floor, int colon)
    {
        var w = colon;
        while (w > floor && IsHexDigit(s[w - 1]))
        {
            w--;
        }

        if (w > floor && IsWordOrNonAscii(s[w - 1]))
        {
            return w == colon && (colon - 2 < floor || !IsWordOrNonAscii(s[colon - 2]));
        }

        return true;
    }

    private static bool IsWordOrNonAscii(char c) => IsWordChar(c) || c > 0x7F;

    // One position of the scan: a shape, a word copied whole, or one character. Returns the next position.
    private int Step(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (i > 0 && IsWordChar(text[i - 1]))
        {
            Append(c);
            return i + 1;
        }

        if (IsLetter(c))
        {
            // A word: one scan decides which shapes are possible and, when none matches, where the word ends.
            var (matched, name) = MatchFromLetter(text, i, _hasAt, _hasScheme, out var wordEnd);
            if (matched > 0)
            {
                AppendPlaceholder(name, text.Length - i - matched);
                return i + matched;
            }

            Append(text[i..wordEnd]);
            return wordEnd;
        }

        var (length, placeholder) = Match(text, i);
        if (length > 0)
        {
            AppendPlaceholder(placeholder, text.Length - i - length);
            return i + length;
        }

        if (IsWordChar(c))
        {
            // An unmatched word is copied whole, so the digits inside it are not taken for numbers.
            var end = WordEnd(text, i);
            Append(text[i..end]);
            return end;
        }

        Append(c);
        return i + 1;
    }

    private (int Length, string Placeholder) Match(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        int n;
        if (IsDigit(c))
        {
            // The digit run and the character after it rule out most shapes before their matchers run (each gate is a
            // condition its matcher checks first): a GUID has '-' after 8 characters, an ISO date 4 digits then '-' or
            // '/', a day-first date 2 digits then '/', '.' or '-', a time 1-2 digits then ':', an IPv4 address 1-3
            // digits then '.', an IPv6 group up to 4 hex digits then ':', a hex run a hex letter after its digits.
            var run = DigitRun(s, i);
            var next = i + run < s.Length ? s[i + run] : '\0';
            if (EndsNumber(s, i + run, next))
            {
                return (run, Placeholders.Number); // most numbers: "4411 ", "(3 of 5)", "='42'"
            }

            if (s.Length - i >= 36 && s[i + 8] == '-' && (n = MatchGuid(s, i)) > 0)
            {
                return (n, Placeholders.Guid);
            }

            if (((run == 4 && next is '-' or '/') || (run == 2 && next is '/' or '.' or '-'))
                && ((n = MatchIsoDateOrTimestamp(s, i, out var isTimestamp)) > 0 || (n = MatchDayFirstDate(s, i, out isTimestamp)) > 0))
            {
                return (n, isTimestamp ? Placeholders.Timestamp : Placeholders.Date);
            }

            if (run <= 2 && next == ':' && (n = MatchTime(s, i)) > 0)
            {
                return (n, Placeholders.Time);
            }

            if (run <= 3 && next == '.' && (n = MatchIPv4(s, i)) > 0)
            {
                return (n, Placeholders.IPv4);
            }

            var hexLetter = char.IsAsciiHexDigit(next) && !IsDigit(next);
            if (run <= 4 && (next == ':' || hexLetter) && (n = MatchIPv6(s, i)) > 0)
            {
                return (n, Placeholders.IPv6);
            }

            if ((hexLetter || (run == 1 && c == '0' && next is 'x' or 'X')) && (n = MatchHex(s, i)) > 0)
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

    // A shape at a character that is neither a digit nor a letter: a path, an IPv6 address ("::1") or a signed number.
    internal static (int Length, string Placeholder) MatchFromSymbol(ReadOnlySpan<char> s, int i) => s[i] switch
    {
        '/' or '~' or '.' or '\\' => (MatchPath(s, i), Placeholders.Path),
        ':' => (MatchIPv6(s, i), Placeholders.IPv6),
        '-' or '+' when IsSignPosition(s, i) => MatchNumberOrDuration(s, i),
        _ => (0, string.Empty),
    };

    // Most words are plain words: one scan of the word decides which shapes are possible before any matcher runs.
    // hasAt and hasScheme: whether the message holds '@' and "://" at all.
    internal static (int Length, string Placeholder) MatchFromLetter(ReadOnlySpan<char> s, int i, bool hasAt, bool hasScheme, out int wordEnd)
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
        if (hasScheme && next is ':' or '+' or '.' or '-' && (n = MatchUrl(s, i)) > 0)
        {
            return (n, Placeholders.Url);
        }

        if (hasAt && (n = MatchEmail(s, i)) > 0)
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

    private void Append(char c) => _buffer[_length++] = c;

    private void Append(ReadOnlySpan<char> text)
    {
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void AppendPlaceholder(string placeholder, int textLeft)
    {
        if (_length + placeholder.Length + textLeft > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + placeholder.Length + textLeft));
        }

        placeholder.CopyTo(_buffer.AsSpan(_length));
        _length += placeholder.Length;
    }

    private static bool IsSignPosition(ReadOnlySpan<char> s, int i)
        => i + 1 < s.Length && IsDigit(s[i + 1]) && (i == 0 || s[i - 1] is ' ' or '\t' or '(' or '[' or '=' or ':' or ',');

    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    internal static bool IsLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (c > 0x7F && char.IsLetter(c));

    internal static bool IsHexDigit(char c) => char.IsAsciiHexDigit(c);

    internal static bool IsWordChar(char c) => IsDigit(c) || IsLetter(c) || c == '_';

    // A digit run followed by this character is a plain number: no shape continues with it (not a separator of dates,
    // times, addresses, paths or e-mails, not a letter of a unit, id or hex run, not a space before a unit word).
    private static bool EndsNumber(ReadOnlySpan<char> s, int p, char next)
    {
        if (next == ' ')
        {
            return p + 1 >= s.Length || s[p + 1] is not ('n' or 'u' or 'µ' or 'μ' or 'm' or 's' or 'h');
        }

        return next < 0x80 && !IsWordChar(next) && next is not ('.' or ':' or '/' or '\\' or '-' or '@' or '%' or '+');
    }

    private static int DigitRun(ReadOnlySpan<char> s, int i)
    {
        var p = i;
        while (p < s.Length && IsDigit(s[p]))
        {
            p++;
        }

        return p - i;
    }

    internal static int WordEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && IsWordChar(s[i]))
        {
            i++;
        }

        return i;
    }
}
