namespace HybridLogging.Insights.Patterns;

// Dates, times and timestamps (ISO 8601, day-first, common log format, syslog, RFC 1123).
internal sealed partial class MessageNormalizer
{
    // 2024-01-15, 2024/01/15, optionally followed by T or one space and a time, fraction and zone (Z, +01:00, +0100, " UTC").
    internal static int MatchIsoDateOrTimestamp(ReadOnlySpan<char> s, int i, out bool isTimestamp)
    {
        isTimestamp = false;
        if (!Digits(s, i, 4) || !At(s, i + 4, '-', '/') || !Digits(s, i + 5, 2) || !At(s, i + 7, s[i + 4]) || !Digits(s, i + 8, 2))
        {
            return 0;
        }

        var end = i + 10;
        if (end + 1 < s.Length && s[end] is 'T' or ' ' && MatchTime(s, end + 1) is var t and > 0)
        {
            isTimestamp = true;
            end = Zone(s, end + 1 + t);
        }

        return EndsToken(s, end) ? end - i : 0;
    }

    // 15/01/2024, 15.01.2024, 15-01-2024 (optionally with a time), and the common log format 10/Oct/2000:13:55:36 -0700.
    internal static int MatchDayFirstDate(ReadOnlySpan<char> s, int i, out bool isTimestamp)
    {
        isTimestamp = false;
        if (!Digits(s, i, 2) || !At(s, i + 2, '/', '.', '-'))
        {
            return 0;
        }

        var sep = s[i + 2];
        int end;
        if (sep == '/' && MonthAt(s, i + 3) && At(s, i + 6, '/') && Digits(s, i + 7, 4))
        {
            end = i + 11;
            if (At(s, end, ':') && MatchTime(s, end + 1) is var clf and > 0)
            {
                isTimestamp = true;
                end = Zone(s, end + 1 + clf);
            }
        }
        else if (Digits(s, i + 3, 2) && At(s, i + 5, sep) && Digits(s, i + 6, 4))
        {
            end = i + 10;
            if (At(s, end, ' ') && MatchTime(s, end + 1) is var t and > 0)
            {
                isTimestamp = true;
                end = Zone(s, end + 1 + t);
            }
        }
        else
        {
            return 0;
        }

        return end < s.Length && IsWordChar(s[end]) ? 0 : end - i;
    }

    // Syslog "Jan 15 10:30:00" and RFC 1123 "Tue, 15 Nov 1994 08:12:31 GMT".
    internal static int MatchNamedTimestamp(ReadOnlySpan<char> s, int i)
    {
        var p = i;
        if (DayAt(s, p) && At(s, p + 3, ',') && At(s, p + 4, ' ') && Digits(s, p + 5, 2) && At(s, p + 7, ' ') && MonthAt(s, p + 8)
            && At(s, p + 11, ' ') && Digits(s, p + 12, 4) && At(s, p + 16, ' ') && MatchTime(s, p + 17) is var t and > 0)
        {
            return Zone(s, p + 17 + t) - i;
        }

        if (!MonthAt(s, p) || !At(s, p + 3, ' '))
        {
            return 0;
        }

        p += 4;
        if (At(s, p, ' '))
        {
            p++;
        }

        var dayDigits = Digits(s, p, 2) ? 2 : Digits(s, p, 1) ? 1 : 0;
        if (dayDigits == 0 || !At(s, p + dayDigits, ' ') || MatchTime(s, p + dayDigits + 1) is not (var time and > 0))
        {
            return 0;
        }

        return p + dayDigits + 1 + time - i;
    }

    // 10:30, 10:30:00, 9:05:00.123, 10:30:00,123 (log4j), 00:00:01.5000000 (TimeSpan).
    internal static int MatchTime(ReadOnlySpan<char> s, int i)
    {
        var h = Digits(s, i, 2) ? 2 : Digits(s, i, 1) ? 1 : 0;
        if (h == 0 || !At(s, i + h, ':') || !Digits(s, i + h + 1, 2))
        {
            return 0;
        }

        var end = i + h + 3;
        if (At(s, end, ':') && Digits(s, end + 1, 2))
        {
            end += 3;
            if (At(s, end, '.', ',') && Digits(s, end + 1, 1))
            {
                end++;
                while (end < s.Length && IsDigit(s[end]))
                {
                    end++;
                }
            }
        }

        // A letter right after the digits makes it something else ("10:30:00abc"), except the zone designator Z.
        return end < s.Length && ((IsWordChar(s[end]) && s[end] != 'Z') || s[end] == ':') ? 0 : end - i;
    }

    private static int Zone(ReadOnlySpan<char> s, int end)
    {
        if (At(s, end, 'Z'))
        {
            return end + 1;
        }

        var p = At(s, end, ' ') ? end + 1 : end;
        if (At(s, p, '+', '-') && Digits(s, p + 1, 2))
        {
            if (At(s, p + 3, ':') && Digits(s, p + 4, 2))
            {
                return p + 6;
            }

            return Digits(s, p + 3, 2) ? p + 5 : end;
        }

        if (p + 3 <= s.Length && (s.Slice(p, 3).SequenceEqual("UTC") || s.Slice(p, 3).SequenceEqual("GMT")) && EndsToken(s, p + 3))
        {
            return p + 3;
        }

        return end;
    }

    // Three-letter month and day names, compared as one packed lower-case int instead of string by string: every
    // three-letter word of a message ("GET", "for") is checked.
    private static bool MonthAt(ReadOnlySpan<char> s, int p) => Packed(s, p) is 0x6A616E or 0x666562 or 0x6D6172 or 0x617072 or 0x6D6179 or 0x6A756E or 0x6A756C or 0x617567 or 0x736570 or 0x6F6374 or 0x6E6F76 or 0x646563;

    private static bool DayAt(ReadOnlySpan<char> s, int p) => Packed(s, p) is 0x6D6F6E or 0x747565 or 0x776564 or 0x746875 or 0x667269 or 0x736174 or 0x73756E;

    private static int Packed(ReadOnlySpan<char> s, int p)
    {
        if (p + 3 > s.Length || (p + 3 < s.Length && IsLetter(s[p + 3])))
        {
            return 0;
        }

        int a = s[p] | 0x20, b = s[p + 1] | 0x20, c = s[p + 2] | 0x20;
        return a > 0x7F || b > 0x7F || c > 0x7F ? 0 : (a << 16) | (b << 8) | c;
    }
}
