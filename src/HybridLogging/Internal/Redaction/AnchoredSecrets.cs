using System.Buffers;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Secrets that start with a fixed word: <c>Bearer</c>/<c>Basic</c> credentials, JWTs (<c>eyJ</c>), AWS access key ids
/// (<c>AKIA</c>/<c>ASIA</c>) and PEM private key blocks (<c>-----BEGIN</c>). One vectorised multi-string search finds
/// the candidates; each is then checked by hand (no regular expressions).
/// </summary>
internal static class AnchoredSecrets
{
    private const int MinBearerLength = 8;
    private const int MaxBasicLength = 1024;

    private static readonly SearchValues<string> s_anchors =
        SearchValues.Create(["bearer", "basic", "eyJ", "AKIA", "ASIA", "-----BEGIN"], StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds the first anchored secret that starts at or after <paramref name="startAt"/>.</summary>
    public static bool TryFind(ReadOnlySpan<char> text, int startAt, out SecretMatch match)
    {
        var i = startAt;
        while (i < text.Length)
        {
            var hit = text[i..].IndexOfAny(s_anchors);
            if (hit < 0)
            {
                break;
            }

            var at = i + hit;
            if (TryAt(text, at, out match))
            {
                return true;
            }

            i = at + 1;
        }

        match = default;
        return false;
    }

    private static bool TryAt(ReadOnlySpan<char> text, int at, out SecretMatch match)
    {
        match = default;
        var rest = text[at..];
        var wordStart = at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]);
        switch (rest[0])
        {
            case 'b' or 'B' when wordStart && rest.StartsWith("bearer", StringComparison.OrdinalIgnoreCase):
                return TryBearer(text, at + 6, out match);
            case 'b' or 'B' when wordStart && rest.StartsWith("basic", StringComparison.OrdinalIgnoreCase):
                return TryBasic(text, at + 5, out match);
            case 'e' when rest.StartsWith("eyJ", StringComparison.Ordinal) && (at == 0 || !IsBase64UrlOrDot(text[at - 1])):
                return TryJwt(text, at, out match);
            case 'A' when wordStart && (rest.StartsWith("AKIA", StringComparison.Ordinal) || rest.StartsWith("ASIA", StringComparison.Ordinal)):
                return TryAwsKeyId(text, at, out match);
            case '-' when rest.StartsWith("-----BEGIN ", StringComparison.Ordinal):
                return TryPrivateKey(text, at, out match);
            default:
                return false;
        }
    }

    // "Bearer <token68>": 8+ token characters with a digit, or 16+ ("Bearer token expired" is prose).
    private static bool TryBearer(ReadOnlySpan<char> text, int after, out SecretMatch match)
    {
        match = default;
        var start = SkipSpaces(text, after);
        if (start == after)
        {
            return false;
        }

        var end = start;
        var digits = false;
        while (end < text.Length && IsToken68(text[end]))
        {
            digits |= char.IsAsciiDigit(text[end]);
            end++;
        }

        while (end < text.Length && text[end] == '=')
        {
            end++;
        }

        var length = end - start;
        if (length < MinBearerLength || (length < 2 * MinBearerLength && !digits))
        {
            return false;
        }

        match = new SecretMatch(start, length, SecretKind.BearerToken);
        return true;
    }

    // "Basic <base64 of user:password>": only when the base64 decodes to text with a colon ("Basic research" is not).
    private static bool TryBasic(ReadOnlySpan<char> text, int after, out SecretMatch match)
    {
        match = default;
        var start = SkipSpaces(text, after);
        if (start == after)
        {
            return false;
        }

        var end = start;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '+' or '/'))
        {
            end++;
        }

        for (var pad = 0; pad < 2 && end < text.Length && text[end] == '='; pad++)
        {
            end++;
        }

        var length = end - start;
        if (length < 4 || length % 4 != 0 || length > MaxBasicLength)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxBasicLength / 4 * 3];
        if (!Convert.TryFromBase64Chars(text[start..end], decoded, out var written) || !decoded[..written].Contains((byte)':'))
        {
            return false;
        }

        match = new SecretMatch(start, length, SecretKind.BasicCredentials);
        return true;
    }

    // header.payload.signature (signature may be empty for alg "none"); JWE's further segments are included.
    private static bool TryJwt(ReadOnlySpan<char> text, int start, out SecretMatch match)
    {
        match = default;
        var end = SkipBase64Url(text, start);
        if (end - start < 10 || end >= text.Length || text[end] != '.')
        {
            return false;
        }

        var payloadEnd = SkipBase64Url(text, end + 1);
        if (payloadEnd - end - 1 < 2 || payloadEnd >= text.Length || text[payloadEnd] != '.')
        {
            return false;
        }

        end = SkipBase64Url(text, payloadEnd + 1);
        while (end + 1 < text.Length && text[end] == '.' && IsBase64Url(text[end + 1]))
        {
            end = SkipBase64Url(text, end + 1);
        }

        match = new SecretMatch(start, end - start, SecretKind.Jwt);
        return true;
    }

    // AKIA/ASIA + exactly 16 upper-case letters or digits, not part of a longer word. Replaced whole: the prefix says
    // only that it is a key id, and a partial id is no help to a reader.
    private static bool TryAwsKeyId(ReadOnlySpan<char> text, int start, out SecretMatch match)
    {
        match = default;
        const int Length = 20;
        if (text.Length - start < Length || (text.Length - start > Length && char.IsAsciiLetterOrDigit(text[start + Length])))
        {
            return false;
        }

        foreach (var c in text.Slice(start + 4, Length - 4))
        {
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        match = new SecretMatch(start, Length, SecretKind.AwsAccessKeyId);
        return true;
    }

    // "-----BEGIN <label> PRIVATE KEY-----" … "-----END …": the body is replaced, the marker lines are kept so the reader
    // sees what was removed. A block cut off before its END (a truncated message) is redacted to the end of the text.
    private static bool TryPrivateKey(ReadOnlySpan<char> text, int start, out SecretMatch match)
    {
        match = default;
        var labelStart = start + "-----BEGIN ".Length;
        var labelLength = text[labelStart..].IndexOf("-----", StringComparison.Ordinal);
        if (labelLength is < 0 or > 64)
        {
            return false;
        }

        var label = text.Slice(labelStart, labelLength);
        if (!label.Contains("PRIVATE KEY", StringComparison.Ordinal) || label.ContainsAny('\r', '\n'))
        {
            return false;
        }

        // The line breaks around the body are kept, so the text keeps its lines.
        var bodyStart = SkipLineBreaks(text, labelStart + labelLength + 5);
        var bodyLength = text[bodyStart..].IndexOf("-----END", StringComparison.Ordinal);
        if (bodyLength < 0)
        {
            bodyLength = text.Length - bodyStart;
        }

        while (bodyLength > 0 && text[bodyStart + bodyLength - 1] is '\r' or '\n')
        {
            bodyLength--;
        }

        if (bodyLength == 0 || text.Slice(bodyStart, bodyLength).SequenceEqual(SecretPatterns.Marker))
        {
            return false;
        }

        match = new SecretMatch(bodyStart, bodyLength, SecretKind.PrivateKeyBlock);
        return true;
    }

    private static int SkipSpaces(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static int SkipLineBreaks(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is '\r' or '\n')
        {
            i++;
        }

        return i;
    }

    private static int SkipBase64Url(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && IsBase64Url(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static bool IsBase64UrlOrDot(char c) => IsBase64Url(c) || c == '.';

    // RFC 7235 token68 characters, without the trailing '=' padding.
    private static bool IsToken68(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/';
}
