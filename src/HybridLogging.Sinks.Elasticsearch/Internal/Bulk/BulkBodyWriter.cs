using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Bulk;

/// <summary>
/// Writes <c>_bulk</c> bodies (NDJSON): per record an action line <c>{"create":{"_index":…,"_id":…}}</c> (or
/// <c>index</c>) and the record's document as the ECS formatter wrote it, every line ending with <c>\n</c> as the
/// API requires. Documents are copied, never re-serialized.
/// </summary>
internal sealed class BulkBodyWriter
{
    private static readonly JsonEncodedText CreateName = JsonEncodedText.Encode("create");
    private static readonly JsonEncodedText IndexActionName = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("_index");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("_id");

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly JsonEncodedText _action;
    private readonly JsonEncodedText? _dataStream;
    private readonly string? _dataStreamName;
    private readonly IndexNames? _indexNames;
    private readonly DocumentIds _ids;
    private readonly int _actionOverhead;

    public BulkBodyWriter(ElasticsearchSinkOptions options, DocumentIds ids)
    {
        _ids = ids;
        if (options.Target == ElasticsearchTarget.DataStream)
        {
            // Data streams accept only create: documents are append-only.
            _action = CreateName;
            _dataStreamName = options.DataStream;
            _dataStream = JsonEncodedText.Encode(options.DataStream, WriterOptions.Encoder);
            _actionOverhead = 40 + _dataStream.Value.EncodedUtf8Bytes.Length + ids.MaxLength;
        }
        else
        {
            _action = IndexActionName;
            _indexNames = new IndexNames(options.IndexFormat);
            _actionOverhead = 40 + 255 + ids.MaxLength;
        }
    }

    /// <summary>An upper bound of the bytes a record adds to a body besides its document.</summary>
    public int ActionOverhead => _actionOverhead;

    /// <summary>The target name of a record (data stream, or the index for its timestamp).</summary>
    public string TargetFor(in LogRecord record) =>
        _indexNames?.For(record.TimestampTicks) ?? _dataStreamName!;

    /// <summary>Writes the action and document lines of records <paramref name="start"/> … <paramref name="start"/>+<paramref name="count"/>−1.</summary>
    public void Write(LogRecordBatch batch, int start, int count, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Span<char> id = stackalloc char[_ids.MaxLength];
        for (var i = start; i < start + count; i++)
        {
            var record = batch[i];
            writer.WriteStartObject();
            writer.WriteStartObject(_action);
            if (_dataStream is { } dataStream)
            {
                writer.WriteString(IndexName, dataStream);
            }
            else
            {
                writer.WriteString(IndexName, _indexNames!.For(record.TimestampTicks));
            }

            writer.WriteString(IdName, id[.._ids.Format(record.Sequence, id)]);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            writer.Reset(output);
            output.Write("\n"u8);

            var document = record.Bytes.Span;
            output.Write(document);
            if (document.IsEmpty || document[^1] != (byte)'\n')
            {
                // The bulk API needs every line terminated, the last one included.
                output.Write("\n"u8);
            }
        }
    }
}
