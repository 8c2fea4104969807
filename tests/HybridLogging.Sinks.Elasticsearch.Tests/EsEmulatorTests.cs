using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HybridLogging.Sinks.Elasticsearch.Tests.Emulator;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

/// <summary>The emulator itself follows the documented _bulk rules, so the sink tests prove something.</summary>
public sealed class EsEmulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{\"create\":{\"_index\":\"logs-a-b\",\"_id\":\"1\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\"}", "terminated by a newline")]
    [InlineData("{\"create\":{\"_index\":\"logs-a-b\"}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\"}\n", "Malformed action/metadata line [1]")]
    [InlineData("{\"upsert\":{\"_index\":\"logs-a-b\"}}\n{}\n", "expected one of index, create, update, delete")]
    [InlineData("{\"create\":{\"_index\":\"logs-a-b\"}}\n", "has no source line")]
    public async Task Malformed_ndjson_is_refused_with_400(string body, string reason)
    {
        await using var emulator = await EsEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Url };

        using var response = await http.PostAsync("/_bulk", Ndjson(Encoding.UTF8.GetBytes(body)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, emulator.DocumentCount);
    }

    [Fact]
    public async Task Data_streams_take_only_create_actions_with_a_timestamp_and_gzip_bodies_are_read()
    {
        await using var emulator = await EsEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Url };
        var body = """
            {"index":{"_index":"logs-app-default","_id":"a"}}
            {"@timestamp":"2026-01-01T00:00:00Z","message":"index into a data stream"}
            {"create":{"_index":"logs-app-default","_id":"b"}}
            {"message":"no timestamp"}
            {"create":{"_index":"logs-app-default","_id":"c"}}
            {"@timestamp":"2026-01-01T00:00:00Z","message":"fine"}
            {"index":{"_index":"plain-index","_id":"d"}}
            {"message":"plain indices take index actions without a timestamp"}

            """u8.ToArray();
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(body, Ct);
        }

        var content = Ndjson(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await http.PostAsync("/_bulk", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(answer.RootElement.GetProperty("errors").GetBoolean());
        var statuses = answer.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => item.EnumerateObject().Single().Value.GetProperty("status").GetInt32()).ToArray();
        Assert.Equal([400, 400, 201, 201], statuses);
        Assert.Equal(["c"], emulator.Index("logs-app-default").Keys);
        Assert.Equal(["d"], emulator.Index("plain-index").Keys);
    }

    private static ByteArrayContent Ndjson(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return content;
    }
}
