using System.Globalization;
using System.Text;

namespace HybridLogging.Sinks.Elasticsearch.Internal;

/// <summary>Index name rules of Elasticsearch, and index names formatted from an entry's timestamp.</summary>
internal sealed class IndexNames
{
    private readonly string _format;
    private Cached _cached = new(long.MinValue, string.Empty);

    public IndexNames(string format) => _format = format;

    /// <summary>The index for an entry logged at <paramref name="utcTicks"/> (cached per second: all date formats that make sense for indices are coarser).</summary>
    public string For(long utcTicks)
    {
        var second = utcTicks / TimeSpan.TicksPerSecond;
        var cached = Volatile.Read(ref _cached);
        if (cached.Second != second)
        {
            // One immutable pair swapped whole, so concurrent request builders never see a name from another second.
            cached = new Cached(second, Format(_format, new DateTime(utcTicks, DateTimeKind.Utc)));
            Volatile.Write(ref _cached, cached);
        }

        return cached.Name;
    }

    /// <summary>Replaces each <c>{format}</c> part with the UTC time formatted by it (invariant culture).</summary>
    public static string Format(string format, DateTime utc)
    {
        var builder = new StringBuilder(format.Length + 8);
        var i = 0;
        while (i < format.Length)
        {
            var open = format.IndexOf('{', i);
            var close = open < 0 ? -1 : format.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                builder.Append(format, i, format.Length - i);
                break;
            }

            builder.Append(format, i, open - i);
            builder.Append(utc.ToString(format.Substring(open + 1, close - open - 1), CultureInfo.InvariantCulture));
            i = close + 1;
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a valid index, data stream or policy name.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name[0] is '-' or '_' or '+' || Encoding.UTF8.GetByteCount(name) > 255)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsUpper(c) || c is ' ' or '\\' or '/' or '*' or '?' or '"' or '<' or '>' or '|' or ',' or '#' or ':' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="format"/> gives valid index names (checked on a sample date).</summary>
    public static bool IsValidFormat(string? format)
    {
        if (string.IsNullOrEmpty(format))
        {
            return false;
        }

        try
        {
            return IsValidName(Format(format, new DateTime(2026, 12, 31, 23, 59, 58, DateTimeKind.Utc)));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed record Cached(long Second, string Name);
}
