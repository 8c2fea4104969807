using System.Collections;
using System.Text;

namespace HybridLogging.Internal;

/// <summary>
/// Turns arbitrary property values into immutable, bounded, serializable snapshots. Hostile values (throwing
/// <c>ToString()</c>, cycles, huge collections, invalid UTF-16) become markers or are truncated; never throws.
/// </summary>
internal static class ValueSnapshot
{
    public const string DepthMarker = "[max depth]";
    public const string TruncatedMarker = "…[truncated]";

    public static object? Take(object? value, in Limits limits, int depth = 0)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return Sanitize(s, limits.MaxStringLength);
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
                    return TakePairs(pairs, limits, depth);
                case IDictionary dictionary:
                    return TakeDictionary(dictionary, limits, depth);
                case IEnumerable sequence:
                    return TakeSequence(sequence, limits, depth);
            }
        }
        catch (Exception ex)
        {
            return $"[enumeration failed: {ex.GetType().Name}]";
        }

        return SafeToString(value, limits.MaxStringLength);
    }

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

    private static int FindLoneSurrogate(ReadOnlySpan<char> span)
    {
        var index = span.IndexOfAnyInRange('\uD800', '\uDFFF');
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

    private static KeyValuePair<string, object?>[] TakePairs(IEnumerable<KeyValuePair<string, object?>> pairs, in Limits limits, int depth)
    {
        var list = new List<KeyValuePair<string, object?>>();
        foreach (var pair in pairs)
        {
            if (list.Count == limits.MaxItems)
            {
                break;
            }

            list.Add(new(Sanitize(pair.Key ?? string.Empty, 256), Take(pair.Value, limits, depth + 1)));
        }

        return [.. list];
    }

    private static KeyValuePair<string, object?>[] TakeDictionary(IDictionary dictionary, in Limits limits, int depth)
    {
        var list = new List<KeyValuePair<string, object?>>();
        foreach (DictionaryEntry entry in dictionary)
        {
            if (list.Count == limits.MaxItems)
            {
                break;
            }

            list.Add(new(SafeToString(entry.Key, 256), Take(entry.Value, limits, depth + 1)));
        }

        return [.. list];
    }

    private static object?[] TakeSequence(IEnumerable sequence, in Limits limits, int depth)
    {
        var list = new List<object?>();
        foreach (var item in sequence)
        {
            if (list.Count == limits.MaxItems)
            {
                break;
            }

            list.Add(Take(item, limits, depth + 1));
        }

        return [.. list];
    }

    internal readonly record struct Limits(int MaxStringLength, int MaxDepth, int MaxItems);
}
