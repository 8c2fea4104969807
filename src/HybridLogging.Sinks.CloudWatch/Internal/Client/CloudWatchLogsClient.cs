using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using HybridLogging.Aws;

namespace HybridLogging.Sinks.CloudWatch.Internal.Client;

/// <summary>CloudWatch Logs over the shared JSON 1.1 client (service <c>logs</c>, target prefix <c>Logs_20140328</c>).</summary>
internal sealed class CloudWatchLogsClient : ICloudWatchLogsClient
{
    public static readonly AwsJsonService Service = new("logs", "logs", "Logs_20140328");

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Messages are our JSON lines: escaping only what JSON requires keeps the request close to the counted size.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly AwsJsonClient _client;
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];

    public CloudWatchLogsClient(AwsConnectionSettings settings)
    {
        _client = new AwsJsonClient(Service, settings);
    }

    public Uri Endpoint => _client.Endpoint;

    public Task CreateLogGroupAsync(string logGroupName, CancellationToken cancellationToken) =>
        _client.SendAsync("CreateLogGroup", new CreateLogGroupRequest(logGroupName), CloudWatchLogsJsonContext.Default.CreateLogGroupRequest, cancellationToken);

    public Task CreateLogStreamAsync(string logGroupName, string logStreamName, CancellationToken cancellationToken) =>
        _client.SendAsync("CreateLogStream", new CreateLogStreamRequest(logGroupName, logStreamName), CloudWatchLogsJsonContext.Default.CreateLogStreamRequest, cancellationToken);

    public Task PutRetentionPolicyAsync(string logGroupName, int retentionInDays, CancellationToken cancellationToken) =>
        _client.SendAsync("PutRetentionPolicy", new PutRetentionPolicyRequest(logGroupName, retentionInDays), CloudWatchLogsJsonContext.Default.PutRetentionPolicyRequest, cancellationToken);

    public async Task<RejectedLogEventsInfo?> PutLogEventsAsync(string logGroupName, string logStreamName, ReadOnlyMemory<InputLogEvent> events, CancellationToken cancellationToken)
    {
        // The body is written straight from the records' UTF-8 bytes: no string per message, one pooled buffer per call.
        if (!_buffers.TryTake(out var buffer))
        {
            buffer = new ArrayBufferWriter<byte>(64 * 1024);
        }

        try
        {
            WriteBody(buffer, logGroupName, logStreamName, events.Span);
            var response = await _client.SendAsync("PutLogEvents", buffer.WrittenMemory, CloudWatchLogsJsonContext.Default.PutLogEventsResponse, cancellationToken).ConfigureAwait(false);
            return response.RejectedLogEventsInfo;
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= 4 * 1024 * 1024)
            {
                _buffers.Add(buffer);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private static void WriteBody(ArrayBufferWriter<byte> buffer, string group, string stream, ReadOnlySpan<InputLogEvent> events)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("logGroupName"u8, group);
        writer.WriteString("logStreamName"u8, stream);
        writer.WriteStartArray("logEvents"u8);
        foreach (var e in events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("timestamp"u8, e.Timestamp);
            writer.WriteString("message"u8, e.Message.Span);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
