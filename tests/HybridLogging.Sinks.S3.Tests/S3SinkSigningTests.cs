using System.Security.Cryptography;
using System.Text;
using HybridLogging.Sinks.S3.Tests.Kit;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// s3rver accepts any signature, so signing is checked here: the proxy records the requests and the test recomputes
/// their AWS Signature Version 4 from the secret. Also: the secret appears in no diagnostic.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class S3SinkSigningTests(S3rverFixture s3) : IAsyncLifetime
{
    private const string AccessKey = "AKIDHYBRIDLOGGINGTEST";
    private const string SecretKey = "hybrid/logging+Secret/Key-0123456789abcdef";

    private S3Proxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await S3Proxy.StartAsync(s3.BaseUri);

    public async ValueTask DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Object_writes_are_signed_with_SigV4_over_the_headers_and_the_payload_hash()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = S3rverFixture.Client(_proxy.BaseUri, AccessKey, SecretKey);
        await using var sink = TestSinks.Create(client, bucket);

        await sink.WriteAsync(Some.Batch(0, 20), Ct);
        await sink.FlushAsync(Ct);

        var put = Assert.Single(_proxy.Requests, r => r.IsObjectWrite);
        var authorization = put.Headers["Authorization"];
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/", authorization, StringComparison.Ordinal);
        var signedHeaders = Field(authorization, "SignedHeaders").Split(';');
        Assert.Contains("host", signedHeaders);
        Assert.Contains("x-amz-date", signedHeaders);
        Assert.Contains("x-amz-content-sha256", signedHeaders);
        Assert.Contains("if-none-match", signedHeaders);
        Assert.Contains("content-encoding", signedHeaders);

        var payloadHash = put.Headers["x-amz-content-sha256"];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(put.Body)), payloadHash);
        Assert.Equal(Field(authorization, "Signature"), SigV4.Signature(put, SecretKey));
        Assert.NotEqual(Field(authorization, "Signature"), SigV4.Signature(put, SecretKey + "x"));
    }

    [Fact]
    public async Task Failure_reports_name_the_bucket_and_key_but_never_the_credentials()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = S3rverFixture.Client(_proxy.BaseUri, AccessKey, SecretKey);
        _proxy.Faults = r => r.IsObjectWrite ? ProxyFault.AccessDenied : ProxyFault.None;
        var messages = new List<string>();
        HybridSelfLog.Enable(m =>
        {
            lock (messages)
            {
                messages.Add(m);
            }
        });
        try
        {
            var sink = TestSinks.Create(client, bucket, name: "signed");
            var batch = Some.Batch(0, 5);
            await sink.WriteAsync(batch, Ct);
            await sink.FlushAsync(Ct);
            await sink.DisposeAsync();

            Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(0));
            Assert.Equal("rejected", batch.GetReason(0));
        }
        finally
        {
            HybridSelfLog.Disable();
        }

        var ours = messages.Where(m => m.Contains("'signed'", StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, m => m.Contains("403 AccessDenied", StringComparison.Ordinal) && m.Contains(bucket, StringComparison.Ordinal));
        Assert.Contains(ours, m => m.Contains("5 entries failed because their object could not be stored", StringComparison.Ordinal));
        Assert.All(messages, m =>
        {
            Assert.DoesNotContain(SecretKey, m, StringComparison.Ordinal);
            Assert.DoesNotContain(AccessKey, m, StringComparison.Ordinal);
        });
    }

    private static string Field(string authorization, string name)
    {
        var start = authorization.IndexOf(name + "=", StringComparison.Ordinal) + name.Length + 1;
        var end = authorization.IndexOf(',', start);
        return (end < 0 ? authorization[start..] : authorization[start..end]).Trim();
    }

    /// <summary>AWS Signature Version 4 recomputed from a received request (the S3 flavour: the path is not encoded twice).</summary>
    private static class SigV4
    {
        public static string Signature(ProxiedRequest request, string secret)
        {
            var authorization = request.Headers["Authorization"];
            var scope = Field(authorization, "Credential").Split('/', 2)[1]; // date/region/service/aws4_request
            var signedHeaders = Field(authorization, "SignedHeaders");
            var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => $"{h}:{request.Headers[h].Trim()}\n"));
            var canonical = string.Join('\n', request.Method, request.Path, CanonicalQuery(request.Query), canonicalHeaders, signedHeaders, request.Headers["x-amz-content-sha256"]);
            var toSign = string.Join('\n', "AWS4-HMAC-SHA256", request.Headers["x-amz-date"], scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));

            var key = Encoding.UTF8.GetBytes("AWS4" + secret);
            foreach (var part in scope.Split('/'))
            {
                key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
            }

            return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        }

        private static string CanonicalQuery(string query) => string.Join('&', query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Order(StringComparer.Ordinal));

        private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
    }
}
