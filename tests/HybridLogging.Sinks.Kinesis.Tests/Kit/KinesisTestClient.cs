using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using HybridLogging.Aws;

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>
/// Reads streams back through the service API (CreateStream, DescribeStream, GetShardIterator, GetRecords) on the same
/// signed JSON 1.1 client the sink uses, so what a test sees is what a Kinesis consumer would get.
/// </summary>
internal sealed class KinesisTestClient : IDisposable
{
    private static readonly JsonTypeInfo<JsonObject> ObjectType = (JsonTypeInfo<JsonObject>)JsonSerializerOptions.Default.GetTypeInfo(typeof(JsonObject));
    private readonly AwsJsonClient _client;

    public KinesisTestClient(Uri serviceUrl)
    {
        _client = new AwsJsonClient(
            new AwsJsonService("kinesis", "kinesis", "Kinesis_20131202"),
            new AwsConnectionSettings { Region = KinesaliteFixture.Region, ServiceUrl = serviceUrl.ToString(), Credentials = KinesaliteFixture.Credentials });
    }

    public Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken ct) =>
        _client.SendAsync(operation, request, ObjectType, ObjectType, ct);

    /// <summary>Creates a stream and waits until it is ACTIVE.</summary>
    public async Task CreateStreamAsync(string name, int shards, CancellationToken ct)
    {
        await CallAsync("CreateStream", new JsonObject { ["StreamName"] = name, ["ShardCount"] = shards }, ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var description = await CallAsync("DescribeStream", new JsonObject { ["StreamName"] = name }, ct);
            if ((string?)description["StreamDescription"]!["StreamStatus"] == "ACTIVE")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"stream {name} did not become ACTIVE");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Every record of every shard, from the start of the stream.</summary>
    public async Task<List<StoredRecord>> ReadAllAsync(string name, CancellationToken ct)
    {
        var description = await CallAsync("DescribeStream", new JsonObject { ["StreamName"] = name }, ct);
        var records = new List<StoredRecord>();
        foreach (var shard in description["StreamDescription"]!["Shards"]!.AsArray())
        {
            var iterator = (string?)(await CallAsync("GetShardIterator", new JsonObject
            {
                ["StreamName"] = name,
                ["ShardId"] = (string?)shard!["ShardId"],
                ["ShardIteratorType"] = "TRIM_HORIZON",
            }, ct))["ShardIterator"];
            while (iterator is not null)
            {
                var page = await CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 10_000 }, ct);
                var items = page["Records"]!.AsArray();
                if (items.Count == 0)
                {
                    break;
                }

                foreach (var item in items)
                {
                    records.Add(new StoredRecord((string)item!["PartitionKey"]!, Convert.FromBase64String((string)item["Data"]!), (string)shard["ShardId"]!));
                }

                iterator = (string?)page["NextShardIterator"];
            }
        }

        return records;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>A record as a consumer reads it.</summary>
internal sealed record StoredRecord(string PartitionKey, byte[] Data, string ShardId)
{
    public bool IsGzip => Data.Length > 2 && Data[0] == 0x1f && Data[1] == 0x8b;

    /// <summary>The record's JSON lines (gunzipped first when the data is gzip).</summary>
    public IReadOnlyList<string> Lines()
    {
        var bytes = Data;
        if (IsGzip)
        {
            using var input = new GZipStream(new MemoryStream(Data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            bytes = output.ToArray();
        }

        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }
}
