using System.Buffers;
using System.Text.Json;
using HybridLogging.Sinks.Elasticsearch.Internal.Transport;

namespace HybridLogging.Sinks.Elasticsearch.Internal;

/// <summary>
/// Creates the lifecycle policy and the index template of the sink's target once, before the first write
/// (<see cref="ElasticsearchSinkOptions.Bootstrap"/>). A failure fails that write (its records are retried) and the
/// next write tries again.
/// </summary>
internal sealed class Bootstrapper(ElasticsearchSinkOptions options, ElasticsearchConnection client)
{
    private volatile bool _done = !options.Bootstrap;
    private int _retentionDays = options.RetentionDays;

    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        var name = options.LifecyclePolicy;
        await PutAsync($"/_ilm/policy/{name}", PolicyBody(), cancellationToken).ConfigureAwait(false);
        await PutAsync($"/_index_template/{name}", TemplateBody(), cancellationToken).ConfigureAwait(false);
        _done = true;
    }

    /// <summary>Puts the lifecycle policy again with a new retention (the template already refers to it by name).</summary>
    public async ValueTask SetRetentionAsync(int days, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _retentionDays, days);
        await PutAsync($"/_ilm/policy/{options.LifecyclePolicy}", PolicyBody(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The index pattern the template applies to: the data stream itself, or the index format's fixed prefix and <c>*</c>.</summary>
    internal string IndexPattern =>
        options.Target == ElasticsearchTarget.DataStream
            ? options.DataStream
            : options.IndexFormat.Split('{')[0] + "*";

    internal byte[] PolicyBody() => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("policy");
        writer.WriteStartObject("phases");
        if (options.Target == ElasticsearchTarget.DataStream)
        {
            // Data streams roll over by themselves; dated indices are already one per period.
            writer.WriteStartObject("hot");
            writer.WriteStartObject("actions");
            writer.WriteStartObject("rollover");
            writer.WriteString("max_age", "1d");
            writer.WriteString("max_primary_shard_size", "50gb");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteStartObject("delete");
        writer.WriteString("min_age", $"{Volatile.Read(ref _retentionDays)}d");
        writer.WriteStartObject("actions");
        writer.WriteStartObject("delete");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    internal byte[] TemplateBody() => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("index_patterns");
        writer.WriteStringValue(IndexPattern);
        writer.WriteEndArray();
        if (options.Target == ElasticsearchTarget.DataStream)
        {
            writer.WriteStartObject("data_stream");
            writer.WriteEndObject();
        }

        // Above the built-in logs-*-* template (priority 100), so this one applies to the sink's target.
        writer.WriteNumber("priority", 200);
        writer.WriteStartObject("template");
        writer.WriteStartObject("settings");
        writer.WriteString("index.lifecycle.name", options.LifecyclePolicy);
        writer.WriteEndObject();
        writer.WriteStartObject("mappings");
        writer.WriteStartArray("dynamic_templates");
        writer.WriteStartObject();
        writer.WriteStartObject("labels_as_keywords");
        writer.WriteString("path_match", "labels.*");
        writer.WriteStartObject("mapping");
        writer.WriteString("type", "keyword");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("properties");
        Field(writer, "@timestamp", "date");
        Field(writer, "message", "match_only_text");
        Object(writer, "log", ("level", "keyword"), ("logger", "keyword"));
        Object(writer, "service", ("name", "keyword"), ("environment", "keyword"));
        Object(writer, "host", ("name", "keyword"));
        Object(writer, "process", ("pid", "long"));
        Object(writer, "trace", ("id", "keyword"));
        Object(writer, "span", ("id", "keyword"));
        Object(writer, "transaction", ("id", "keyword"));
        Object(writer, "event", ("duration", "long"), ("code", "keyword"));
        Object(writer, "error", ("type", "keyword"), ("message", "match_only_text"), ("stack_trace", "wildcard"), ("code", "keyword"));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private async Task PutAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        var response = await client.PutJsonAsync(path, body, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (>= 200 and < 300))
        {
            throw new IOException($"Elasticsearch bootstrap: PUT {path} failed ({(response.Status is { } status ? $"HTTP {status}" : response.Failure)}).");
        }
    }

    private static void Field(Utf8JsonWriter writer, string name, string type)
    {
        writer.WriteStartObject(name);
        writer.WriteString("type", type);
        writer.WriteEndObject();
    }

    private static void Object(Utf8JsonWriter writer, string name, params ReadOnlySpan<(string Name, string Type)> fields)
    {
        writer.WriteStartObject(name);
        writer.WriteStartObject("properties");
        foreach (var (field, type) in fields)
        {
            Field(writer, field, type);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
