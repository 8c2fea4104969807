using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Kit;

/// <summary>Flattens a JSON document to its leaf field paths (as Elasticsearch maps them) and their JSON types.</summary>
internal static class JsonFields
{
    public static SortedDictionary<string, string> Flatten(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(document.RootElement, null, fields);
        return fields;
    }

    private static void Walk(JsonElement element, string? path, SortedDictionary<string, string> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Walk(property.Value, path is null ? property.Name : $"{path}.{property.Name}", fields);
            }

            return;
        }

        fields[path!] = element.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Array => "array",
            _ => "null",
        };
    }
}
