using Amazon.S3;
using HybridLogging.Sinks.S3.Internal.Sink;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>S3 sinks for tests: machine <c>test-host</c>, chunk encoding off (s3rver stores aws-chunked framing as data).</summary>
internal static class TestSinks
{
    public static readonly DateTimeOffset Started = new(2026, 11, 30, 21, 0, 0, TimeSpan.Zero);

    public static S3SinkOptions Options(string bucket, Action<S3SinkOptions>? configure = null)
    {
        var options = new S3SinkOptions();
        Configure(bucket, configure)(options);
        return options;
    }

    /// <summary>
    /// The test settings as a configure callback, for AddS3: bucket, prefix <c>app</c>, machine <c>test-host</c>, no
    /// aws-chunked encoding, and 10 ms upload retry delays (fault tests retry many objects); then <paramref name="configure"/>.
    /// </summary>
    public static Action<S3SinkOptions> Configure(string bucket, Action<S3SinkOptions>? configure = null) => o =>
    {
        o.BucketName = bucket;
        o.Prefix = "app";
        o.MachineName = "test-host";
        o.UseChunkEncoding = false;
        o.UploadRetryBaseDelay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(o);
    };

    public static S3Sink Create(IAmazonS3 client, string bucket, Action<S3SinkOptions>? configure = null, TimeProvider? time = null, string name = "s3") =>
        new(name, Options(bucket, configure), client, time ?? new FakeTimeProvider(Started));

    /// <summary>The key the sink started at <see cref="Started"/> gives its object number <paramref name="sequence"/> for entries of <paramref name="hour"/>.</summary>
    public static string Key(DateTimeOffset hour, int sequence, string prefix = "app") =>
        $"{prefix}/{hour:yyyy}/{hour:MM}/{hour:dd}/{hour:HH}/test-host-20261130T210000000Z-{sequence:D6}.ndjson.gz";
}
