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
        var options = new S3SinkOptions
        {
            BucketName = bucket,
            Prefix = "app",
            MachineName = "test-host",
            UseChunkEncoding = false,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary><see cref="Options"/> as a configure callback, for AddS3.</summary>
    public static Action<S3SinkOptions> Configure(string bucket, Action<S3SinkOptions>? configure = null) => o =>
    {
        var defaults = Options(bucket, configure);
        o.BucketName = defaults.BucketName;
        o.Prefix = defaults.Prefix;
        o.MachineName = defaults.MachineName;
        o.UseChunkEncoding = defaults.UseChunkEncoding;
        o.Compression = defaults.Compression;
        o.MaxObjectBytes = defaults.MaxObjectBytes;
        o.PartitionStyle = defaults.PartitionStyle;
    };

    public static S3Sink Create(IAmazonS3 client, string bucket, Action<S3SinkOptions>? configure = null, TimeProvider? time = null, string name = "s3") =>
        new(name, Options(bucket, configure), client, time ?? new FakeTimeProvider(Started));

    /// <summary>The key the sink started at <see cref="Started"/> gives its object number <paramref name="sequence"/> for entries of <paramref name="hour"/>.</summary>
    public static string Key(DateTimeOffset hour, int sequence, string prefix = "app") =>
        $"{prefix}/{hour:yyyy}/{hour:MM}/{hour:dd}/{hour:HH}/test-host-20261130T210000000Z-{sequence:D6}.ndjson.gz";
}
