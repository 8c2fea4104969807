using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace HybridLogging.Sinks.CloudWatch.Internal.Batching;

/// <summary>
/// Shrinks a JSON line that is over the event size limit into a valid JSON object that fits: the largest values are
/// shrunk first, so the small fields (timestamp, level, ids, small properties) survive; a shrunk string is cut at a
/// character boundary and ends with <c>...[truncated]</c>, a shrunk object is shrunk the same way inside, anything else
/// becomes <c>"[omitted: N bytes]"</c>; <c>"truncated": {"originalBytes": N}</c> is added last. Text that is not a JSON
/// object becomes <c>{"text": "prefix...[truncated]", "truncated": ...}</c>. Hand-written because no library here cuts
/// JSON to a byte budget; runs only for oversize entries.
/// </summary>
internal static class EventTruncator
{
    public const string Marker = "...[truncated]";
    private const int Reserve = 96; // closing braces and the "truncated" property
    private const int MaxDepth = 4;
    private const int MinimumValue = 48; // room for a marker or a short cut string

    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A valid JSON object of at most <paramref name="maxBytes"/> bytes standing for <paramref name="message"/>.</summary>
    public static byte[] Truncate(ReadOnlyMemory<byte> message, int maxBytes)
    {
        var output = new ArrayBufferWriter<byte>(maxBytes);
        try
        {
            using var document = JsonDocument.Parse(message);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                using (var writer = new Utf8JsonWriter(output, Options))
                {
                    writer.WriteStartObject();
                    WriteMembers(writer, document.RootElement, maxBytes - Reserve, 0);
                    WriteMarker(writer, message.Length);
                    writer.WriteEndObject();
                }

                if (output.WrittenCount <= maxBytes)
                {
                    return output.WrittenSpan.ToArray();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text fallback below keeps a prefix as a string.
        }

        return TruncateText(message.Span, maxBytes);
    }

    // Shrinks the largest values first, so small fields written after a big one (ids, properties) survive, then writes
    // the properties in their original order.
    private static void WriteMembers(Utf8JsonWriter writer, JsonElement element, long budget, int depth)
    {
        var properties = new List<JsonProperty>();
        foreach (var property in element.EnumerateObject())
        {
            properties.Add(property);
        }

        var nameCost = new int[properties.Count];
        var sizes = new long[properties.Count];
        var allowed = new long[properties.Count];
        long total = 2;
        for (var i = 0; i < properties.Count; i++)
        {
            nameCost[i] = JsonEncodedText.Encode(properties[i].Name, Options.Encoder).EncodedUtf8Bytes.Length + 4;
            sizes[i] = allowed[i] = nameCost[i] + JsonMarshal.GetRawUtf8Value(properties[i].Value).Length;
            total += sizes[i];
        }

        for (var round = 0; total > budget && round < properties.Count * 2; round++)
        {
            var largest = 0;
            for (var i = 1; i < properties.Count; i++)
            {
                largest = allowed[i] > allowed[largest] ? i : largest;
            }

            var minimum = nameCost[largest] + MinimumValue;
            if (properties.Count == 0 || allowed[largest] <= minimum)
            {
                break;
            }

            var shrunk = Math.Max(minimum, allowed[largest] - (total - budget));
            total -= allowed[largest] - shrunk;
            allowed[largest] = shrunk;
        }

        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var room = allowed[i] - nameCost[i];
            if (allowed[i] == sizes[i])
            {
                property.WriteTo(writer);
            }
            else if (property.Value.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName(property.Name);
                writer.WriteRawValue(CutString(JsonMarshal.GetRawUtf8Value(property.Value), (int)room - Marker.Length - 2));
            }
            else if (property.Value.ValueKind == JsonValueKind.Object && depth < MaxDepth)
            {
                writer.WriteStartObject(property.Name);
                WriteMembers(writer, property.Value, room - 2, depth + 1);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString(property.Name, $"[omitted: {sizes[i] - nameCost[i]} bytes]");
            }
        }
    }

    // raw is a JSON string with its quotes. Keeps whole escapes (a surrogate pair's two escapes together) and whole UTF-8
    // sequences, so the cut string is valid JSON and decodes to valid text.
    private static byte[] CutString(ReadOnlySpan<byte> raw, int room)
    {
        var inner = raw[1..^1];
        var i = 0;
        while (i < inner.Length)
        {
            int length;
            if (inner[i] == (byte)'\\')
            {
                length = inner[i + 1] != (byte)'u' ? 2 : IsHighSurrogateEscape(inner[i..]) ? 12 : 6;
            }
            else
            {
                var lead = inner[i];
                length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            }

            if (i + length > room)
            {
                break;
            }

            i += length;
        }

        var result = new byte[i + Marker.Length + 2];
        result[0] = (byte)'"';
        inner[..i].CopyTo(result.AsSpan(1));
        System.Text.Encoding.ASCII.GetBytes(Marker, result.AsSpan(1 + i));
        result[^1] = (byte)'"';
        return result;
    }

    private static bool IsHighSurrogateEscape(ReadOnlySpan<byte> escape) =>
        escape.Length >= 12 && (escape[2] | 0x20) == 'd' && (escape[3] | 0x20) is (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b';

    private static byte[] TruncateText(ReadOnlySpan<byte> message, int maxBytes)
    {
        // Escaping can grow text up to six times: shrink the prefix until the encoded object fits.
        var length = Math.Min(message.Length, maxBytes - Reserve);
        for (var attempt = 0; attempt < 8 && length > 0; attempt++)
        {
            while (length > 0 && length < message.Length && (message[length] & 0xC0) == 0x80)
            {
                length--;
            }

            var output = new ArrayBufferWriter<byte>(maxBytes);
            using (var writer = new Utf8JsonWriter(output, Options))
            {
                writer.WriteStartObject();
                writer.WriteString("text"u8, System.Text.Encoding.UTF8.GetString(message[..length]) + Marker);
                WriteMarker(writer, message.Length);
                writer.WriteEndObject();
            }

            if (output.WrittenCount <= maxBytes)
            {
                return output.WrittenSpan.ToArray();
            }

            length -= (output.WrittenCount - maxBytes) + 16;
        }

        return System.Text.Encoding.UTF8.GetBytes($"{{\"truncated\":{{\"originalBytes\":{message.Length}}}}}");
    }

    private static void WriteMarker(Utf8JsonWriter writer, int originalBytes)
    {
        writer.WriteStartObject("truncated"u8);
        writer.WriteNumber("originalBytes"u8, originalBytes);
        writer.WriteEndObject();
    }
}
