using System.Buffers;
using System.Text;
using System.Text.Json;
using HybridLogging.Sinks.Kinesis.Internal.Api;

namespace HybridLogging.Sinks.Kinesis.Tests;

public sealed class KinesisHttpApiTests
{
    [Fact]
    public void The_request_body_names_the_stream_by_ARN_when_given_and_carries_base64_data_and_keys()
    {
        var output = new ArrayBufferWriter<byte>();
        PutRecordsEntry[] entries = [new("{\"a\":1}\n"u8.ToArray(), "key-1"), new(new byte[] { 0x1f, 0x8b, 0 }, "ключ")];

        KinesisHttpApi.WriteBody(new PutRecordsCall(null, "arn:aws:kinesis:eu-west-1:123456789012:stream/s", entries), output);

        using var body = JsonDocument.Parse(output.WrittenMemory);
        var root = body.RootElement;
        Assert.Equal("arn:aws:kinesis:eu-west-1:123456789012:stream/s", root.GetProperty("StreamARN").GetString());
        Assert.False(root.TryGetProperty("StreamName", out _));
        var records = root.GetProperty("Records");
        Assert.Equal("{\"a\":1}\n", Encoding.UTF8.GetString(records[0].GetProperty("Data").GetBytesFromBase64()));
        Assert.Equal("key-1", records[0].GetProperty("PartitionKey").GetString());
        Assert.Equal([0x1f, 0x8b, 0], records[1].GetProperty("Data").GetBytesFromBase64());
        Assert.Equal("ключ", records[1].GetProperty("PartitionKey").GetString());
    }

    [Fact]
    public void The_response_reader_takes_error_codes_per_record()
    {
        var response = JsonSerializer.Deserialize(
            """{"FailedRecordCount":1,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"},{"ErrorCode":"InternalFailure","ErrorMessage":"x"}],"EncryptionType":"NONE"}""",
            KinesisJsonContext.Default.PutRecordsResponse)!;

        Assert.Equal(1, response.FailedRecordCount);
        Assert.Null(response.Records![0].ErrorCode);
        Assert.Equal("InternalFailure", response.Records[1].ErrorCode);
    }
}
