using System.Collections;
using System.Globalization;
using System.Text;

namespace HybridLogging.Internal;

/// <summary>
/// Renders a MEL message template the way <c>FormattedLogValues</c> does, but enumerates collection arguments at most
/// <c>MaxCollectionItems</c> deep. MEL's own rendering joins every item of an enumerable argument, so an endless or
/// huge sequence (a generator, an <c>IQueryable</c>) would stall the dispatcher and exhaust memory. Used only when such
/// an argument is present; every other call keeps MEL's rendering.
/// </summary>
internal static class BoundedTemplateRenderer
{
    private const string OriginalFormatKey = "{OriginalFormat}";
    private const string NullValue = "(null)";

    /// <summary>Renders when the state holds a template and an unbounded enumerable argument; otherwise returns false.</summary>
    public static bool TryRender(IEnumerable<KeyValuePair<string, object?>>? state, int maxItems, out string message)
    {
        message = string.Empty;
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values || values.Count < 2 ||
            values[^1] is not { Key: OriginalFormatKey, Value: string template })
        {
            return false;
        }

        var risky = false;
        for (var i = 0; i < values.Count - 1 && !risky; i++)
        {
            var value = values[i].Value;
            risky = value is IEnumerable and not string && (value is not ICollection collection || collection.Count > maxItems);
        }

        if (!risky)
        {
            return false;
        }

        var builder = new StringBuilder(template.Length + 64);
        var hole = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i + 1) is var end and > 0)
            {
                var value = hole < values.Count - 1 ? values[hole].Value : null;
                hole++;
                AppendHole(builder, template.AsSpan(i + 1, end - i - 1), value, maxItems);
                i = end;
            }
            else
            {
                builder.Append(c);
            }
        }

        message = builder.ToString();
        return true;
    }

    private static void AppendHole(StringBuilder builder, ReadOnlySpan<char> spec, object? value, int maxItems)
    {
        // {Name[,alignment][:format]}, as in MEL's LogValuesFormatter.
        var colon = spec.IndexOf(':');
        var format = colon >= 0 ? spec[(colon + 1)..].ToString() : null;
        var head = colon >= 0 ? spec[..colon] : spec;
        var comma = head.IndexOf(',');
        var alignment = comma >= 0 && int.TryParse(head[(comma + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var a) ? a : 0;

        var text = value switch
        {
            null => NullValue,
            string s => s,
            IEnumerable sequence => Join(sequence, maxItems),
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        builder.Append(alignment >= 0 ? text.PadLeft(alignment) : text.PadRight(-alignment));
    }

    private static string Join(IEnumerable sequence, int maxItems)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var item in sequence)
        {
            if (count == maxItems)
            {
                builder.Append(", …");
                break;
            }

            if (count++ > 0)
            {
                builder.Append(", ");
            }

            builder.Append(item is null ? NullValue : Convert.ToString(item, CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
