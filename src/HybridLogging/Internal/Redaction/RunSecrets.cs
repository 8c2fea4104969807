using System.Buffers;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Secrets recognised by their shape alone, without a keyword before them: card numbers (13–19 digits, optionally grouped,
/// passing the Luhn check) and AWS secret access keys (a 40-character base64 run with upper- and lower-case letters and
/// digits). Neither has a keyword to search for, but both are long: a card number spans at least 13 characters and a key
/// 40, so the text is sampled every 13th (and 40th) character and only the runs around the samples are examined.
/// Ordinary text costs about one character check in ten plus the length of the words the samples land in.
/// </summary>
internal static class RunSecrets
{
    private static readonly SearchValues<char> s_cardChars = SearchValues.Create("0123456789 -");
    private static readonly SearchValues<char> s_base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    private const int MinCardDigits = 13;
    private const int MaxCardDigits = 19;
    private const int AwsSecretLength = 40;

    /// <summary>Finds the first card number that starts at or after <paramref name="startAt"/>.</summary>
    public static bool TryFindCard(ReadOnlySpan<char> text, int startAt, out SecretMatch match)
    {
        var done = startAt;
        for (var k = startAt + MinCardDigits - 1; k < text.Length; k += MinCardDigits)
        {
            if (k < done || !IsCardChar(text[k]))
            {
                continue;
            }

            var (s, e) = Expand(text, k, startAt, cards: true);
            done = e;
            if (TryCard(text, s, e, out match))
            {
                return true;
            }
        }

        match = default;
        return false;
    }

    // Likewise every 40th index for the 40-character secrets: words of ordinary text are rarely examined at all.
    /// <summary>Finds the first AWS secret access key that starts at or after <paramref name="startAt"/>.</summary>
    public static bool TryFindAwsSecret(ReadOnlySpan<char> text, int startAt, out SecretMatch match)
    {
        var done = startAt;
        for (var k = startAt + AwsSecretLength - 1; k < text.Length; k += AwsSecretLength)
        {
            if (k < done || !IsBase64(text[k]))
            {
                continue;
            }

            var (s, e) = Expand(text, k, startAt, cards: false);
            done = e;
            if (TryAwsSecret(text, s, e, out match))
            {
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>The Luhn (mod 10) check over the digits of <paramref name="text"/>, skipping separators.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> text)
    {
        var sum = 0;
        var doubled = false;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }

            var d = text[i] - '0';
            if (doubled)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    private static (int Start, int End) Expand(ReadOnlySpan<char> text, int k, int floor, bool cards)
    {
        var set = cards ? s_cardChars : s_base64Chars;
        var before = text[floor..k].LastIndexOfAnyExcept(set);
        var after = text[(k + 1)..].IndexOfAnyExcept(set);
        return (floor + before + 1, after < 0 ? text.Length : k + 1 + after);
    }

    // A run of digits, spaces and dashes holds digit groups joined by single separators. Candidates start at a group and
    // take whole groups: one ungrouped run of 13–19 digits, or groups of 4–6 digits (the last 1–6) joined by one kind of
    // separator starting with a group of four (4-4-4-4, 4-6-5). The first digit is 2–6 (the card networks' ranges), which
    // also keeps 13-digit millisecond timestamps and snowflake ids (starting with 1) out.
    private static bool TryCard(ReadOnlySpan<char> text, int runStart, int runEnd, out SecretMatch match)
    {
        match = default;
        if (runEnd - runStart < MinCardDigits)
        {
            return false;
        }

        for (var g = runStart; g < runEnd; g++)
        {
            if (!char.IsAsciiDigit(text[g]) || (g > runStart && char.IsAsciiDigit(text[g - 1])))
            {
                continue; // not the first digit of a group
            }

            // Every group may start a card: an order number may stand before it ("12 4111 1111 1111 1111").
            if (TryCardAt(text, g, runStart, runEnd, out match))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryCardAt(ReadOnlySpan<char> text, int start, int runStart, int runEnd, out SecretMatch match)
    {
        match = default;
        if (text[start] is < '2' or > '6' || (start == runStart && !IsCardBoundaryBefore(text, start)))
        {
            return false;
        }

        var digits = 0;
        var groups = 0;
        var firstGroup = 0;
        var separator = '\0';
        var i = start;
        var best = -1;
        while (i < runEnd)
        {
            var groupStart = i;
            while (i < runEnd && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            var groupLength = i - groupStart;
            digits += groupLength;
            groups++;
            if (groups == 1)
            {
                firstGroup = groupLength;
            }

            if (digits > MaxCardDigits)
            {
                break;
            }

            var grouped = groups == 1 || (firstGroup == 4 && groupLength <= 6);
            if (digits >= MinCardDigits && grouped && IsCardBoundaryAfter(text, i, runEnd)
                && PassesLuhn(text[start..i]))
            {
                best = i;
            }

            // Middle groups must be 4–6 digits; continue only over one separator of the kind used so far.
            if (groups > 1 && groupLength is < 4 or > 6)
            {
                break;
            }

            if (i + 1 >= runEnd || !char.IsAsciiDigit(text[i + 1]) || (separator != '\0' && text[i] != separator) || firstGroup != 4)
            {
                break;
            }

            separator = text[i];
            i++;
        }

        if (best < 0)
        {
            return false;
        }

        match = new SecretMatch(start, best - start, SecretKind.CardNumber);
        return true;
    }

    // Digits glued to letters, a decimal point or an underscore are part of something else (hex, versions, names).
    private static bool IsCardBoundaryBefore(ReadOnlySpan<char> text, int start) =>
        start == 0 || !(char.IsAsciiLetter(text[start - 1]) || text[start - 1] is '.' or '_' or ',');

    private static bool IsCardBoundaryAfter(ReadOnlySpan<char> text, int end, int runEnd)
    {
        if (end < runEnd)
        {
            return !char.IsAsciiDigit(text[end]); // a separator follows inside the run
        }

        if (end >= text.Length)
        {
            return true;
        }

        var c = text[end];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            return false;
        }

        // "…1111." ends a sentence; "…1111.5" is a decimal.
        return c is not ('.' or ',') || end + 1 >= text.Length || !char.IsAsciiDigit(text[end + 1]);
    }

    // Exactly 40 base64 characters between non-base64 characters and not followed by padding, with at least 4 upper- and
    // 4 lower-case letters, a digit and two adjacent capitals (random text has several; camel-case names rarely do).
    // Hex digests (SHA-1 is 40 hex characters) have one case only and never match.
    private static bool TryAwsSecret(ReadOnlySpan<char> text, int start, int end, out SecretMatch match)
    {
        match = default;
        // A run touching a marker is the remainder of text glued to a secret already replaced, not a key of its own.
        if (end - start != AwsSecretLength || (end < text.Length && text[end] is '=' or '*')
            || (start > 0 && text[start - 1] is '-' or '_' or '.' or '*'))
        {
            return false;
        }

        int upper = 0, lower = 0, digits = 0, adjacentUpper = 0;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterUpper(c))
            {
                upper++;
                if (i > start && char.IsAsciiLetterUpper(text[i - 1]))
                {
                    adjacentUpper++;
                }
            }
            else if (char.IsAsciiLetterLower(c))
            {
                lower++;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        if (upper < 4 || lower < 4 || digits < 1 || adjacentUpper < 2)
        {
            return false;
        }

        match = new SecretMatch(start, AwsSecretLength, SecretKind.AwsSecretAccessKey);
        return true;
    }

    private static bool IsCardChar(char c) => s_cardChars.Contains(c);

    private static bool IsBase64(char c) => s_base64Chars.Contains(c);
}
