using System.Buffers;
using System.Text.Json;
using HybridLogging.Aws;

namespace HybridLogging.Sinks.Kinesis.Internal.Api;

/// <summary>
/// PutRecords over the shared JSON 1.1 client (<see cref="AwsJsonClient"/>: SigV4 by AWSSDK.Core, standard credential
/// chain and region resolution). The request body is written with one <see cref="Utf8JsonWriter"/>, each record's data
/// base64-encoded straight from the batch's memory (no intermediate copies or strings).
/// </summary>
internal sealed class KinesisHttpApi : IKinesisApi, IDisposable
{
    /// <summary>The Kinesis Data Streams JSON 1.1 service.</summary>
    public static readonly AwsJsonService Service = new("kinesis", "kinesis", "Kinesis_20131202");

    private static readonly JsonEncodedText StreamNameField = JsonEncodedText.Encode("StreamName");
    private static readonly JsonEncodedText StreamArnField = JsonEncodedText.Encode("StreamARN");
    private static readonly JsonEncodedText RecordsField = JsonEncodedText.Encode("Records");
    private static readonly JsonEncodedText DataField = JsonEncodedText.Encode("Data");
    private static readonly JsonEncodedText PartitionKeyField = JsonEncodedText.Encode("PartitionKey");

    private readonly AwsJsonClient _client;
    private ArrayBufferWriter<byte>? _spareBody;

    public KinesisHttpApi(AwsConnectionSettings settings)
    {
        _client = new AwsJsonClient(Service, settings);
    }

    /// <summary>The endpoint requests go to (for messages).</summary>
    public Uri Endpoint => _client.Endpoint;

    public async ValueTask<PutRecordsResult> PutRecordsAsync(PutRecordsCall call, CancellationToken cancellationToken)
    {
        // One body buffer is kept for reuse (the sink never overlaps calls; a concurrent caller gets its own).
        var body = Interlocked.Exchange(ref _spareBody, null) ?? new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            WriteBody(call, body);
            var response = await _client.SendAsync("PutRecords", body.WrittenMemory, KinesisJsonContext.Default.PutRecordsResponse, cancellationToken)
                .ConfigureAwait(false);
            var records = response.Records ?? [];
            var codes = new string?[records.Count];
            for (var i = 0; i < codes.Length; i++)
            {
                codes[i] = string.IsNullOrEmpty(records[i].ErrorCode) ? null : records[i].ErrorCode;
            }

            return new PutRecordsResult(response.FailedRecordCount, codes);
        }
        finally
        {
            // A body that grew past the service's limit (base64 of 10 MiB) is not worth keeping.
            if (body.Capacity <= 16 * 1024 * 1024)
            {
                body.ResetWrittenCount();
                _spareBody = body;
            }
        }
    }

    public void Dispose() => _client.Dispose();

    internal static void WriteBody(PutRecordsCall call, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        if (call.StreamArn is not null)
        {
            writer.WriteString(StreamArnField, call.StreamArn);
        }

        if (call.StreamName is not null)
        {
            writer.WriteString(StreamNameField, call.StreamName);
        }

        writer.WriteStartArray(RecordsField);
        foreach (var record in call.Records)
        {
            writer.WriteStartObject();
            writer.WriteBase64String(DataField, record.Data.Span);
            writer.WriteString(PartitionKeyField, record.PartitionKey);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
