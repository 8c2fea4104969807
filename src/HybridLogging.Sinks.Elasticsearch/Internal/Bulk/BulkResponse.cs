using System.Text.Json.Serialization;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Bulk;

/// <summary>The parts of a <c>_bulk</c> response the sink reads: the errors flag and each item's status and error.</summary>
internal sealed class BulkResponse
{
    [JsonPropertyName("errors")]
    public bool Errors { get; set; }

    [JsonPropertyName("items")]
    public List<BulkResponseItem>? Items { get; set; }
}

/// <summary>One item of a <c>_bulk</c> response, keyed by its action (the sink sends only <c>create</c> and <c>index</c>).</summary>
internal sealed class BulkResponseItem
{
    [JsonPropertyName("create")]
    public BulkItemResult? Create { get; set; }

    [JsonPropertyName("index")]
    public BulkItemResult? Index { get; set; }

    [JsonIgnore]
    public BulkItemResult? Result => Create ?? Index;
}

/// <summary>The outcome of one action.</summary>
internal sealed class BulkItemResult
{
    [JsonPropertyName("_index")]
    public string? IndexName { get; set; }

    [JsonPropertyName("_id")]
    public string? Id { get; set; }

    [JsonPropertyName("status")]
    public int Status { get; set; }

    [JsonPropertyName("error")]
    public BulkItemError? Error { get; set; }
}

/// <summary>An item's error: its type (for example <c>document_parsing_exception</c>) and text.</summary>
internal sealed class BulkItemError
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("caused_by")]
    public BulkItemError? CausedBy { get; set; }

    public override string ToString() =>
        CausedBy is { } cause ? $"{Type}: {Reason} (caused by {cause})" : $"{Type}: {Reason}";
}

/// <summary>Source-generated (reflection-free, trimming-safe) metadata for the bulk response.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(BulkResponse))]
internal sealed partial class BulkJsonContext : JsonSerializerContext;
