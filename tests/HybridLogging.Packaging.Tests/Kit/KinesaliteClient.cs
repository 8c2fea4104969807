using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>
/// The few Kinesis calls the consumer test needs (CreateStream, DescribeStream, GetShardIterator, GetRecords) against
/// kinesalite. Written by hand, not with the sink's internal client, so the test reads the stream independently of the
/// code under test; kinesalite checks the form of the SigV4 header, not the signature, so none is computed.
/// </summary>
internal sealed class KinesaliteClient(Uri serviceUrl) : IDisposable
{
    public const string Region = "us-east-1";
    public const string AccessKey = "AKIDPACKAGINGTEST001";
    public const string SecretKey = "packaging-test-secret-not-a-real-key";

    private readonly HttpClient _http = new() { BaseAddress = serviceUrl, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<JsonElement> CallAsync(string operation, JsonObject body, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"Kinesis_20131202.{operation}");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential={AccessKey}/{now:yyyyMMdd}/{Region}/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={new string('0', 64)}");
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return json.RootElement.Clone();
    }

    /// <summary>Creates a one-shard stream and waits until it is ACTIVE.</summary>
    public async Task CreateStreamAsync(string name, CancellationToken ct)
    {
        await CallAsync("CreateStream", new JsonObject { ["StreamName"] = name, ["ShardCount"] = 1 }, ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await CallAsync("DescribeStream", new JsonObject { ["StreamName"] = name }, ct))
            .GetProperty("StreamDescription").GetProperty("StreamStatus").GetString() != "ACTIVE")
        {
            Assert.True(DateTime.UtcNow < deadline, $"stream {name} did not become ACTIVE");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The lines of every record in the stream's shards, from the start.</summary>
    public async Task<List<string>> ReadLinesAsync(string name, CancellationToken ct)
    {
        var lines = new List<string>();
        var description = await CallAsync("DescribeStream", new JsonObject { ["StreamName"] = name }, ct);
        foreach (var shard in description.GetProperty("StreamDescription").GetProperty("Shards").EnumerateArray())
        {
            var iterator = (await CallAsync("GetShardIterator", new JsonObject
            {
                ["StreamName"] = name,
                ["ShardId"] = shard.GetProperty("ShardId").GetString(),
                ["ShardIteratorType"] = "TRIM_HORIZON",
            }, ct)).GetProperty("ShardIterator").GetString();
            while (iterator is not null)
            {
                var page = await CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 1000 }, ct);
                var records = page.GetProperty("Records");
                foreach (var record in records.EnumerateArray())
                {
                    var data = Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64());
                    lines.AddRange(data.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }

                // An open shard always returns a next iterator: the first empty page means the reader has caught up.
                iterator = records.GetArrayLength() > 0 && page.TryGetProperty("NextShardIterator", out var next) ? next.GetString() : null;
            }
        }

        return lines;
    }

    public void Dispose() => _http.Dispose();
}
