using System.Buffers;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Finds secret values in text (a rendered message, a string property value) and replaces each with <c>***</c>,
/// leaving the rest of the text as it was: <c>Bearer</c>/<c>Basic</c> credentials, JWTs, AWS access key ids and
/// secret access keys, PEM private key blocks, card numbers passing the Luhn check, values after a secret name
/// (<c>password=…</c>, <c>"apiKey": "…"</c>, <c>Authorization: …</c>) and URL passwords. Thread-safe.
/// </summary>
/// <remarks>
/// Text without a secret costs two vectorised searches (the anchor words; <c>:</c> and <c>=</c>) plus a look at every
/// 13th and every 40th character (card numbers and AWS secrets have no keyword), and allocates nothing;
/// <see cref="Redact(string)"/> returns the same instance then. No regular expressions: each candidate is checked by a
/// few lines of hand-written code, so the cost stays linear in the text.
/// What is kept around a secret only names its kind (<c>Bearer ***</c>, <c>password=***</c>, the PEM BEGIN/END lines);
/// every character of the secret itself is replaced, never a prefix kept.
/// </remarks>
internal sealed class SecretPatterns
{
    /// <summary>The replacement of every secret.</summary>
    public const string Marker = ValueSnapshot.RedactedMarker;

    private const int Detectors = 4;

    private readonly SecretNames _names;

    /// <summary>Creates the scanner; <paramref name="names"/> judges the names before <c>=</c> and <c>:</c>.</summary>
    public SecretPatterns(SecretNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
    }

    /// <summary>The scanner with <see cref="SecretNames.Default"/>.</summary>
    public static SecretPatterns Default { get; } = new(SecretNames.Default);

    /// <summary>Whether <paramref name="text"/> holds a secret value (exactly when <see cref="Redact(string)"/> changes it).</summary>
    public bool ContainsSecret(ReadOnlySpan<char> text)
    {
        if (text.Length < ShortestKeywordlessSecret && CannotHoldShortSecret(text))
        {
            return false;
        }

        for (var d = 0; d < Detectors; d++)
        {
            if (Find(d, text, 0, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The first secret in the text: the earliest match of any kind, the longest on a tie, merged with every match that
    /// overlaps or touches it (the characters one <c>***</c> replaces).
    /// </summary>
    public bool TryFindFirst(ReadOnlySpan<char> text, out SecretMatch match)
    {
        var scanner = new Scanner(this);
        return scanner.Next(text, 0, out match);
    }

    /// <summary>The text with every secret replaced by <c>***</c>; the same instance when it holds none.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!ContainsSecret(text))
        {
            return text;
        }

        // Short secrets ("pin=1") grow to the three-character marker: at most three times the text.
        var rented = ArrayPool<char>.Shared.Rent(text.Length * 3);
        try
        {
            TryRedact(text, rented, out var written);
            return new string(rented, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes the text with every secret replaced by <c>***</c> to <paramref name="destination"/>, which must not
    /// overlap the text. False when the destination is too small (three times the text's length always suffices).
    /// </summary>
    public bool TryRedact(ReadOnlySpan<char> text, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        var scanner = new Scanner(this);
        var position = 0;
        while (scanner.Next(text, position, out var secret))
        {
            var kept = text[position..secret.Start];
            if (destination.Length - charsWritten < kept.Length + Marker.Length)
            {
                return false;
            }

            kept.CopyTo(destination[charsWritten..]);
            charsWritten += kept.Length;
            Marker.CopyTo(destination[charsWritten..]);
            charsWritten += Marker.Length;
            position = secret.End;
        }

        var rest = text[position..];
        if (!rest.TryCopyTo(destination[charsWritten..]))
        {
            return false;
        }

        charsWritten += rest.Length;
        return true;
    }

    // Most string values are short (a name, a status, an id) and each was scanned by all four detectors. The shortest
    // match of each: a card number 13 characters (13 digits), a JWT 14 (a 10-character header, '.', 2, '.'), "Bearer"
    // with its token 15, an AWS key id 20, a PEM block 28, an AWS secret 40. Below 13 characters only "Basic <base64>"
    // (10 and up) and a named value (at a ':' or '=') fit, so a shorter text with neither the word nor a separator
    // holds no secret. The property tests check this against the detectors themselves.
    private const int ShortestKeywordlessSecret = 13;

    private static bool CannotHoldShortSecret(ReadOnlySpan<char> text) =>
        text.IndexOfAny(':', '=') < 0 && text.IndexOf("basic", StringComparison.OrdinalIgnoreCase) < 0;

    private bool Find(int detector, ReadOnlySpan<char> text, int startAt, out SecretMatch match) => detector switch
    {
        0 => AnchoredSecrets.TryFind(text, startAt, out match),
        1 => NamedValueSecrets.TryFind(text, startAt, _names, out match),
        2 => RunSecrets.TryFindCard(text, startAt, out match),
        _ => RunSecrets.TryFindAwsSecret(text, startAt, out match),
    };

    // Each detector walks its own matches through the original text once, from the end of its previous match, so
    // redacting many secrets costs about one scan per detector, and a secret whose keyword lies inside another one
    // (a PEM block whose BEGIN line ends an "Authorization:" value) is still found. A match that began before the
    // current position is cut to start there. Overlapping matches (a JWT after "token=") are merged so no tail of a
    // secret survives, and touching ones too, so the text shows one marker rather than "******".
    private struct Scanner(SecretPatterns owner)
    {
        private Matches _next;
        private Positions _from; // where detector d continues
        private int _exhausted; // bit d: detector d has no match left

        public bool Next(ReadOnlySpan<char> text, int position, out SecretMatch merged)
        {
            merged = default;
            var best = -1;
            var bestStart = 0;
            for (var d = 0; d < Detectors; d++)
            {
                if (!Advance(d, text, position))
                {
                    continue;
                }

                var m = _next[d];
                var start = Math.Max(m.Start, position);
                if (best < 0 || start < bestStart || (start == bestStart && m.End > _next[best].End))
                {
                    best = d;
                    bestStart = start;
                }
            }

            if (best < 0)
            {
                return false;
            }

            var end = _next[best].End;
            for (var grew = true; grew;)
            {
                grew = false;
                for (var d = 0; d < Detectors; d++)
                {
                    if (Advance(d, text, position) && _next[d].Start <= end && _next[d].End > end)
                    {
                        end = _next[d].End;
                        grew = true;
                    }
                }
            }

            merged = new SecretMatch(bestStart, end - bestStart, _next[best].Kind);
            return true;
        }

        // Moves detector d to its first match that ends after position; false when it has none.
        private bool Advance(int d, ReadOnlySpan<char> text, int position)
        {
            var bit = 1 << d;
            while ((_exhausted & bit) == 0)
            {
                if (_next[d].Length > 0 && _next[d].End > position)
                {
                    return true;
                }

                if (!owner.Find(d, text, _from[d], out var m))
                {
                    _exhausted |= bit;
                    _next[d] = default;
                    break;
                }

                _next[d] = m;
                _from[d] = m.End;
            }

            return false;
        }
    }

    [System.Runtime.CompilerServices.InlineArray(Detectors)]
    private struct Positions
    {
        private int _first;
    }

    [System.Runtime.CompilerServices.InlineArray(Detectors)]
    private struct Matches
    {
        private SecretMatch _first;
    }
}
