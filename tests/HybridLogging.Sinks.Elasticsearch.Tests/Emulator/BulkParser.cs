using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Emulator;

/// <summary>One action of a <c>_bulk</c> body: the operation, its target and id, and the source line (null for delete).</summary>
internal sealed record BulkAction(string Operation, string? Index, string? Id, byte[]? Source);

/// <summary>
/// Parses a <c>_bulk</c> body as the Elasticsearch reference documents it: newline-delimited JSON, the body ends with a
/// newline, each action line is an object with exactly one of <c>index</c>, <c>create</c>, <c>update</c>, <c>delete</c>,
/// and every action but <c>delete</c> is followed by its source line.
/// </summary>
internal static class BulkParser
{
    /// <summary>Returns the actions, or an error text when the body is malformed (the server answers 400).</summary>
    public static (List<BulkAction>? Actions, string? Error) Parse(ReadOnlySpan<byte> body, string? pathIndex)
    {
        if (body.IsEmpty)
        {
            return (null, "request body is required");
        }

        if (body[^1] != (byte)'\n')
        {
            return (null, "The bulk request must be terminated by a newline [\\n]");
        }

        var actions = new List<BulkAction>();
        var lineNumber = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            var line = body[..end];
            body = body[(end + 1)..];
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            string operation;
            string? index = pathIndex;
            string? id = null;
            try
            {
                using var action = JsonDocument.Parse(line.ToArray());
                if (action.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"Malformed action/metadata line [{lineNumber}], expected START_OBJECT");
                }

                var properties = action.RootElement.EnumerateObject().ToList();
                if (properties.Count != 1 || properties[0].Name is not ("index" or "create" or "update" or "delete") ||
                    properties[0].Value.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"Malformed action/metadata line [{lineNumber}], expected one of index, create, update, delete");
                }

                operation = properties[0].Name;
                foreach (var field in properties[0].Value.EnumerateObject())
                {
                    switch (field.Name)
                    {
                        case "_index": index = field.Value.GetString(); break;
                        case "_id": id = field.Value.GetString(); break;
                        default: return (null, $"Action/metadata line [{lineNumber}] contains an unknown parameter [{field.Name}]");
                    }
                }
            }
            catch (JsonException ex)
            {
                return (null, $"Malformed action/metadata line [{lineNumber}]: {ex.Message}");
            }

            if (operation == "delete")
            {
                actions.Add(new BulkAction(operation, index, id, null));
                continue;
            }

            if (body.IsEmpty)
            {
                return (null, $"Validation Failed: action [{operation}] on line [{lineNumber}] has no source line");
            }

            end = body.IndexOf((byte)'\n');
            var source = body[..end].ToArray();
            body = body[(end + 1)..];
            lineNumber++;
            actions.Add(new BulkAction(operation, index, id, source));
        }

        return (actions, null);
    }
}
