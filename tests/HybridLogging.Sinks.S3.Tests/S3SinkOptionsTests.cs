using HybridLogging.Sinks.S3.Internal.Objects;

namespace HybridLogging.Sinks.S3.Tests;

public sealed class S3SinkOptionsTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 30, 21, 4, 5, 678, TimeSpan.Zero);
    private static readonly DateTime Hour = new(2026, 11, 30, 21, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Defaults_are_the_documented_ones_and_need_only_a_bucket()
    {
        var options = new S3SinkOptions();

        Assert.Equal("logs", options.Prefix);
        Assert.Equal(S3PartitionStyle.Path, options.PartitionStyle);
        Assert.Null(options.KeyTemplate);
        Assert.Equal(S3Compression.Gzip, options.Compression);
        Assert.Equal(8L * 1024 * 1024, options.MaxObjectBytes);
        Assert.Equal(5 * 1024 * 1024, options.PartSizeBytes);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxObjectAge);
        Assert.Equal(3, options.UploadRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.UploadRetryBaseDelay);
        Assert.Equal(2, options.MaxPendingUploads);
        Assert.True(options.UseChunkEncoding);
        Assert.True(options.UseConditionalWrites);
        Assert.False(options.ForcePathStyle);
        Assert.Equal("application/x-ndjson", options.ContentType);
        Assert.Empty(options.Tags);
        Assert.Equal(S3ServerSideEncryption.None, options.ServerSideEncryption);
        Assert.Equal(["S3 sink 's3': BucketName is required."], options.Validate("s3"));

        options.BucketName = "my-logs";
        Assert.Empty(options.Validate("s3"));
    }

    [Fact]
    public void Invalid_settings_are_reported_one_message_each_with_the_sink_name()
    {
        var options = new S3SinkOptions
        {
            BucketName = "My_Bucket",
            Prefix = "/logs/",
            KeyTemplate = "{prefix}/{yyyy}/{unknown}",
            MaxObjectBytes = 10,
            PartSizeBytes = 1024,
            MaxObjectAge = TimeSpan.Zero,
            UploadRetries = 11,
            MaxPendingUploads = 0,
            ServiceUrl = "not a url",
            KmsKeyId = "key",
        };
        foreach (var i in Enumerable.Range(0, 11))
        {
            options.Tags[$"k{i}"] = "v";
        }

        var errors = options.Validate("archive");

        Assert.Equal(11, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("S3 sink 'archive': ", e, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BucketName must be 3 to 63 lowercase", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Prefix must not", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("KeyTemplate has an unknown or unclosed token", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxObjectBytes must be between 1024", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("PartSizeBytes must be between 5242880", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ServiceUrl must be an absolute", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxObjectAge must be between", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("UploadRetries must be between 0 and 10", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxPendingUploads must be between 1 and 16 (was 0)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("KmsKeyId is set but ServerSideEncryption is not Kms", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("at most 10 Tags", StringComparison.Ordinal));
    }

    [Fact]
    public void Key_template_without_a_sequence_is_refused_because_keys_would_repeat()
    {
        var options = new S3SinkOptions { BucketName = "my-logs", KeyTemplate = "{prefix}/{yyyy}/{machine}.ndjson.gz" };

        var error = Assert.Single(options.Validate("s3"));

        Assert.Contains("must contain {sequence}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(S3PartitionStyle.Path, S3Compression.Gzip, "logs/2026/11/30/21/web-1-20261130T210405678Z-000042.ndjson.gz")]
    [InlineData(S3PartitionStyle.Hive, S3Compression.Gzip, "logs/year=2026/month=11/day=30/hour=21/web-1-20261130T210405678Z-000042.ndjson.gz")]
    [InlineData(S3PartitionStyle.Path, S3Compression.Zstd, "logs/2026/11/30/21/web-1-20261130T210405678Z-000042.ndjson.zst")]
    [InlineData(S3PartitionStyle.Path, S3Compression.None, "logs/2026/11/30/21/web-1-20261130T210405678Z-000042.ndjson")]
    public void Default_keys_follow_the_partition_style_and_compression(S3PartitionStyle style, S3Compression compression, string expected)
    {
        var template = new ObjectKeyTemplate(new S3SinkOptions { MachineName = "web-1", PartitionStyle = style, Compression = compression }, Started);

        Assert.Equal(expected, template.Render(Hour, 42));
    }

    [Fact]
    public void Custom_template_empty_prefix_and_odd_machine_names_still_give_clean_keys()
    {
        var template = new ObjectKeyTemplate(
            new S3SinkOptions { Prefix = string.Empty, MachineName = "host name/ü", KeyTemplate = "{prefix}/dt={yyyy}-{MM}-{dd}/{HH}/{machine}_{sequence}{extension}" },
            Started);

        Assert.Equal("dt=2026-11-30/21/host-name--_1234567.ndjson.gz", template.Render(Hour, 1_234_567));
    }
}
