using System.Collections;
using System.Text;
using HybridLogging.Internal.Redaction;

namespace HybridLogging.Internal;

/// <summary>
/// Turns arbitrary property values into immutable, bounded, serializable snapshots. Hostile values (throwing
/// <c>ToString()</c>, cycles, huge collections, invalid UTF-16) become markers or are truncated; never throws.
/// </summary>
internal static class ValueSnapshot
{
    public const string DepthMarker = "[max depth]";
    public const string TruncatedMarker = "…[truncated]";
    public const string RedactedMarker = "***";

    /// <param name="value">The value.</param>
    /// <param name="limits">Size limits and the redaction rule applied to nested keys.</param>
    /// <param name="depth">Current nesting depth.</param>
    /// <param name="secrets">Collects the text of every redacted value, so the caller can scrub it from the message.</param>
    public static object? Take(object? value, in Limits limits, int depth = 0, List<string>? secrets = null)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return RedactValues(Sanitize(s, limits.MaxStringLength), limits);
            case bool or int or long or double or float or decimal or short or ushort or uint or ulong or byte or sbyte
                or DateTime or DateTimeOffset or TimeSpan or Guid:
                return value;
            case char c:
                return Sanitize(c.ToString(), limits.MaxStringLength);
            case Enum e:
                return SafeToString(e, limits.MaxStringLength);
        }

        if (depth >= limits.MaxDepth)
        {
            return DepthMarker;
        }

        try
        {
            switch (value)
            {
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    return TakePairs(pairs, limits, depth, secrets);
                case IDictionary dictionary:
                    return TakeDictionary(dictionary, limits, depth, secrets);
                case IEnumerable sequence:
                    return TakeSequence(sequence, limits, depth, secrets);
            }
        }
        catch (Exception ex)
        {
            return $"[enumeration failed: {ex.GetType().Name}]";
        }

        return RedactValues(SafeToString(value, limits.MaxStringLength), limits);
    }

    /// <summary>Replaces secret-looking values (bearer tokens, keys, card numbers, ...) in a string; the same instance when clean.</summary>
    public static string RedactValues(string text, in Limits limits) =>
        limits.SecretValues is { } patterns && patterns.ContainsSecret(text) ? patterns.Redact(text) : text;

    public static string SafeToString(object value, int maxLength)
    {
        try
        {
            return Sanitize(value.ToString() ?? string.Empty, maxLength);
        }
        catch (Exception ex)
        {
            return $"[ToString() threw {ex.GetType().Name}]";
        }
    }

    /// <summary>Truncates to <paramref name="maxLength"/> and replaces lone surrogates with U+FFFD. Allocates only when it changes something.</summary>
    public static string Sanitize(string value, int maxLength)
    {
        var truncate = value.Length > maxLength;
        var span = truncate ? value.AsSpan(0, maxLength) : value.AsSpan();
        var firstBad = FindLoneSurrogate(span);
        if (!truncate && firstBad < 0)
        {
            return value;
        }

        var builder = new StringBuilder(span.Length + TruncatedMarker.Length);
        if (firstBad < 0)
        {
            builder.Append(span);
        }
        else
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = span[i];
                if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                {
                    builder.Append(c).Append(span[i + 1]);
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    builder.Append('\uFFFD');
                }
                else
                {
                    builder.Append(c);
                }
            }
        }

        if (truncate)
        {
            builder.Append(TruncatedMarker);
        }

        return builder.ToString();
    }

    /// <summary>Replaces lone surrogates with U+FFFD in place (text cut at a limit may end inside a pair).</summary>
    public static void RepairSurrogates(Span<char> text)
    {
        var bad = FindLoneSurrogate(text);
        while (bad >= 0)
        {
            text[bad] = '\uFFFD';
            var next = FindLoneSurrogate(text[(bad + 1)..]);
            bad = next < 0 ? -1 : bad + 1 + next;
        }
    }

    /// <summary>Index of the first UTF-16 surrogate without its pair, or -1.</summary>
    public static int FindLoneSurrogate(ReadOnlySpan<char> span)
    {
        var index = CharRange.IndexOfAny(span, '\uD800', '\uDFFF');
        if (index < 0)
        {
            return -1;
        }

        for (var i = index; i < span.Length; i++)
        {
            var c = span[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <summary>
    /// Returns the redaction marker for a value under a secret name, adding the value's text (every leaf of a
    /// collection, formatted as MEL renders message arguments) to <paramref name="secrets"/>.
    /// </summary>
    public static string Redact(object? value, in Limits limits, List<string>? secrets, int depth = 0)
    {
        if (secrets is null || value is null)
        {
            return RedactedMarker;
        }

        try
        {
            if (value is string s)
            {
                secrets.Add(s);
            }
            else if (value is IEnumerable sequence && depth < limits.MaxDepth)
            {
                var count = 0;
                foreach (var item in sequence)
                {
                    if (count++ == limits.MaxItems)
                    {
                        break;
                    }

                    var leaf = item switch
                    {
                        KeyValuePair<string, object?> pair => pair.Value,
                        DictionaryEntry entry => entry.Value,
                        _ => item,
                    };
                    Redact(leaf, limits, secrets, depth + 1);
                }
            }
            else if (Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                secrets.Add(text);
            }
        }
        catch (Exception)
        {
            // A value that cannot be read cannot be scrubbed from the message either; its property is still redacted.
        }

        return RedactedMarker;
    }

    private static object? TakeEntry(string key, object? value, in Limits limits, int depth, List<string>? secrets) =>
        limits.IsRedacted?.Invoke(key) == true ? Redact(value, limits, secrets) : Take(value, limits, depth, secrets);

    private static KeyValuePair<string, object?>[] TakePairs(IEnumerable<KeyValuePair<string, object?>> pairs, in Limits limits, int depth, List<string>? secrets)
    {
        var list = new List<KeyValuePair<string, object?>>();
        foreach (var pair in pairs)
        {
            if (list.Count == limits.MaxItems)
            {
                // The cut is visible, as for sequences.
                list.Add(new(TruncatedMarker, null));
                break;
            }

            // Nested keys are redacted like top-level ones ({"headers": {"Authorization": …}}).
            var key = Sanitize(pair.Key ?? string.Empty, 256);
            list.Add(new(key, TakeEntry(key, pair.Value, limits, depth + 1, secrets)));
        }

        return [.. list];
    }

    private static KeyValuePair<string, object?>[] TakeDictionary(IDictionary dictionary, in Limits limits, int depth, List<string>? secrets)
    {
        var list = new List<KeyValuePair<string, object?>>();
        foreach (DictionaryEntry entry in dictionary)
        {
            if (list.Count == limits.MaxItems)
            {
                // The cut is visible, as for sequences.
                list.Add(new(TruncatedMarker, null));
                break;
            }

            var key = SafeToString(entry.Key, 256);
            list.Add(new(key, TakeEntry(key, entry.Value, limits, depth + 1, secrets)));
        }

        return [.. list];
    }

    private static object?[] TakeSequence(IEnumerable sequence, in Limits limits, int depth, List<string>? secrets)
    {
        var list = new List<object?>();
        foreach (var item in sequence)
        {
            if (list.Count == limits.MaxItems)
            {
                // The cut is visible: a reader must not take the first items for the whole sequence.
                list.Add(TruncatedMarker);
                break;
            }

            list.Add(Take(item, limits, depth + 1, secrets));
        }

        return [.. list];
    }

    /// <param name="MaxStringLength">Longest string kept.</param>
    /// <param name="MaxDepth">Deepest nesting kept.</param>
    /// <param name="MaxItems">Most items kept per collection.</param>
    /// <param name="IsRedacted">Whether a (nested) key names a secret; null redacts nothing.</param>
    /// <param name="SecretValues">Secret-looking values replaced in strings; null replaces none.</param>
    internal readonly record struct Limits(int MaxStringLength, int MaxDepth, int MaxItems, Func<string, bool>? IsRedacted = null, SecretPatterns? SecretValues = null);
}
