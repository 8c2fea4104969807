using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using HybridLogging.Tests.Shared;

[assembly: AssemblyFixture(typeof(HybridLogging.Sinks.S3.Tests.Kit.S3rverFixture))]

namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>
/// One s3rver for the whole test assembly (started from tests/emulators/s3rver, installed from its lock file on first
/// use); each test makes its own bucket, so tests run in parallel without seeing each other's objects.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    /// <summary>s3rver's fixed development credentials (it checks none; signing is tested at the proxy).</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private NodeEmulator? _emulator;
    private int _buckets;

    public Uri BaseUri => _emulator?.BaseUri ?? throw new InvalidOperationException("s3rver is not running.");

    public async ValueTask InitializeAsync() =>
        _emulator = await NodeEmulator.StartAsync("s3rver", TimeSpan.FromMinutes(3));

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    /// <summary>A client on <paramref name="endpoint"/> (s3rver itself by default, or a proxy in front of it).</summary>
    public static AmazonS3Client Client(Uri endpoint, string accessKey = AccessKey, string secretKey = SecretKey, int maxErrorRetry = 2) =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
        {
            // Three attempts per request, whatever the SDK's retry mode defaults to, so fault tests know when it gives up.
            MaxErrorRetry = maxErrorRetry,
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // Fail over quickly in fault tests; the SDK still retries what it deems retryable.
            Timeout = TimeSpan.FromSeconds(20),
        });

    public AmazonS3Client Client() => Client(BaseUri);

    /// <summary>Creates an empty bucket with a name unique to this run.</summary>
    public async Task<string> CreateBucketAsync(CancellationToken cancellationToken)
    {
        var name = $"t{Environment.ProcessId}-{Interlocked.Increment(ref _buckets)}-{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 48)];
        using var client = Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken);
        return name;
    }
}
