using System.Buffers;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Finds secret values in text (a rendered message, a string property value) and replaces each with <c>***</c>,
/// leaving the rest of the text as it was: <c>Bearer</c>/<c>Basic</c> credentials, JWTs, AWS access key ids and
/// secret access keys, PEM private key blocks, card numbers passing the Luhn check, values after a secret name
/// (<c>password=…</c>, <c>"apiKey": "…"</c>, <c>Authorization: …</c>) and URL passwords. Thread-safe.
/// </summary>
/// <remarks>
/// Text without a secret costs two vectorised searches (the anchor words; <c>:</c> and <c>=</c>) plus a check of every
/// 13th character, and allocates nothing; <see cref="Redact(string)"/> returns the same instance then. No regular
/// expressions: each candidate is checked by a few lines of hand-written code, so the cost stays linear in the text.
/// What is kept around a secret only names its kind (<c>Bearer ***</c>, <c>password=***</c>, the PEM BEGIN/END lines);
/// every character of the secret itself is replaced, never a prefix kept.
/// </remarks>
internal sealed class SecretPatterns
{
    /// <summary>The replacement of every secret.</summary>
    public const string Marker = "***";

    private const int Detectors = 3;

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
    public bool ContainsSecret(ReadOnlySpan<char> text) => TryFind(text, 0, out _);

    /// <summary>The first secret that starts at or after <paramref name="startAt"/> (the earliest; the longest on a tie).</summary>
    public bool TryFind(ReadOnlySpan<char> text, int startAt, out SecretMatch match)
    {
        var scanner = new Scanner(this);
        return scanner.Next(text, startAt, out match);
    }

    /// <summary>The text with every secret replaced by <c>***</c>; the same instance when it holds none.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryFind(text, 0, out _))
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

    private bool Find(int detector, ReadOnlySpan<char> text, int startAt, out SecretMatch match) => detector switch
    {
        0 => AnchoredSecrets.TryFind(text, startAt, out match),
        1 => NamedValueSecrets.TryFind(text, startAt, _names, out match),
        _ => RunSecrets.TryFind(text, startAt, out match),
    };

    // Remembers each detector's next match, so redacting many secrets scans the text about once per detector instead
    // of once per secret; overlapping matches (a JWT after "token=") are merged so no tail of a secret survives.
    private struct Scanner(SecretPatterns owner)
    {
        private Matches _next;
        private int _searched; // bit d: detector d has searched; its result is in _next[d] (Length 0: none left)

        public bool Next(ReadOnlySpan<char> text, int position, out SecretMatch merged)
        {
            merged = default;
            var best = -1;
            for (var d = 0; d < Detectors; d++)
            {
                Refresh(d, text, position);
                var m = _next[d];
                if (m.Length > 0 && (best < 0 || m.Start < _next[best].Start
                    || (m.Start == _next[best].Start && m.End > _next[best].End)))
                {
                    best = d;
                }
            }

            if (best < 0)
            {
                return false;
            }

            var start = _next[best].Start;
            var end = _next[best].End;
            var kind = _next[best].Kind;
            for (var grew = true; grew;)
            {
                grew = false;
                for (var d = 0; d < Detectors; d++)
                {
                    var m = _next[d];
                    if (m.Length > 0 && m.Start < end && m.End > end)
                    {
                        end = m.End;
                        grew = true;
                    }
                }
            }

            merged = new SecretMatch(start, end - start, kind);
            return true;
        }

        private void Refresh(int detector, ReadOnlySpan<char> text, int position)
        {
            var bit = 1 << detector;
            var current = _next[detector];
            if ((_searched & bit) != 0 && (current.Length == 0 || current.Start >= position))
            {
                return;
            }

            owner.Find(detector, text, position, out current);
            _next[detector] = current;
            _searched |= bit;
        }
    }

    [System.Runtime.CompilerServices.InlineArray(Detectors)]
    private struct Matches
    {
        private SecretMatch _first;
    }
}
