using System.Globalization;
using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Ecs;

/// <summary>Property values and keys as the ECS document writes them.</summary>
internal static class EcsValues
{
    private const int MaxValueDepth = 16;

    /// <summary>Replaces the characters Elasticsearch reads as object paths or patterns (<c>.</c>, <c>*</c>, <c>\</c>) with <c>_</c>.</summary>
    public static string SanitizeKey(string key)
    {
        if (key.Length == 0)
        {
            return "_";
        }

        return key.AsSpan().IndexOfAny(".*\\") < 0
            ? key
            : string.Create(key.Length, key, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    var c = source[i];
                    span[i] = c is '.' or '*' or '\\' ? '_' : c;
                }
            });
    }

    /// <summary>Writes a property snapshot: primitives as JSON primitives, key/value arrays as objects, arrays as arrays.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); return;
            case string s: writer.WriteStringValue(s); return;
            case bool b: writer.WriteBooleanValue(b); return;
            case int i: writer.WriteNumberValue(i); return;
            case long l: writer.WriteNumberValue(l); return;
            case short sh: writer.WriteNumberValue(sh); return;
            case byte by: writer.WriteNumberValue(by); return;
            case sbyte sb: writer.WriteNumberValue(sb); return;
            case ushort us: writer.WriteNumberValue(us); return;
            case uint ui: writer.WriteNumberValue(ui); return;
            case ulong ul: writer.WriteNumberValue(ul); return;
            case decimal m: writer.WriteNumberValue(m); return;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); return;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); return;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); return;
            case float f: writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime dt: writer.WriteStringValue(dt); return;
            case DateTimeOffset dto: writer.WriteStringValue(dto); return;
            case Guid g: writer.WriteStringValue(g); return;
            case TimeSpan ts: writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
        }

        if (depth >= MaxValueDepth)
        {
            writer.WriteStringValue("…");
            return;
        }

        switch (value)
        {
            case KeyValuePair<string, object?>[] pairs:
                writer.WriteStartObject();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, item) in pairs)
                {
                    var name = SanitizeKey(key);
                    if (seen.Add(name))
                    {
                        writer.WritePropertyName(name);
                        WriteValue(writer, item, depth + 1);
                    }
                }

                writer.WriteEndObject();
                return;
            case object?[] items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                return;
            default:
                writer.WriteStringValue(SafeToString(value));
                return;
        }
    }

    /// <summary>Replaces lone surrogates (the only text <see cref="Utf8JsonWriter"/> refuses) with U+FFFD.</summary>
    public static string Sanitize(ReadOnlySpan<char> text)
    {
        var chars = text.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    /// <summary>Text of a value that is not a snapshot type (entries written directly); a throwing ToString gives the type name.</summary>
    private static string SafeToString(object value)
    {
        try
        {
            return value.ToString() ?? string.Empty;
        }
#pragma warning disable CA1031 // Any exception from foreign code: the formatter must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return value.GetType().FullName ?? "?";
        }
    }
}
