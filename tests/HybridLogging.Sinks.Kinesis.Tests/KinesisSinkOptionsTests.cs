namespace HybridLogging.Sinks.Kinesis.Tests;

public sealed class KinesisSinkOptionsTests
{
    [Fact]
    public void Defaults_follow_the_long_standing_service_limits()
    {
        var options = new KinesisSinkOptions();

        Assert.Equal(1_048_576, options.MaxRecordBytes);
        Assert.Equal(5_242_880, options.MaxRequestBytes);
        Assert.Equal(500, options.MaxRecordsPerRequest);
        Assert.Equal(KinesisPartitionKeySource.CorrelationId, options.PartitionKey);
        Assert.Equal(KinesisCompression.None, options.Compression);
        Assert.False(options.AggregateEntries);
        Assert.Equal(["Kinesis sink 'k': StreamName or StreamArn is required."], options.Validate("k"));
        Assert.Empty(new KinesisSinkOptions { StreamName = "app-logs" }.Validate("k"));
        Assert.Empty(new KinesisSinkOptions { StreamArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/app-logs" }.Validate("k"));
    }

    [Theory]
    [InlineData("StreamName", "bad name!", "StreamName must be 1-128 characters")]
    [InlineData("StreamArn", "arn:aws:s3:::bucket", "StreamArn must look like arn:aws:kinesis:")]
    [InlineData("Region", "Europe", "Region must be a region name")]
    [InlineData("ServiceUrl", "ftp://host", "ServiceUrl must be an absolute http or https URL")]
    [InlineData("MaxRecordBytes", 1_023, "MaxRecordBytes must be between 1024 and 10485760 (was 1023)")]
    [InlineData("MaxRecordBytes", 10_485_761, "MaxRecordBytes must be between 1024 and 10485760")]
    [InlineData("MaxRequestBytes", 1_000_000, "MaxRequestBytes must be between MaxRecordBytes (1048576) and 10485760")]
    [InlineData("MaxRequestBytes", 10_485_761, "MaxRequestBytes must be between")]
    [InlineData("MaxRecordsPerRequest", 0, "MaxRecordsPerRequest must be between 1 and 500 (was 0)")]
    [InlineData("MaxRecordsPerRequest", 501, "MaxRecordsPerRequest must be between 1 and 500 (was 501)")]
    [InlineData("PartitionKey", KinesisPartitionKeySource.Property, "PartitionKeyProperty is required when PartitionKey is Property")]
    [InlineData("PartitionKey", (KinesisPartitionKeySource)9, "PartitionKey must be CorrelationId, Source, Random or Property")]
    [InlineData("Compression", (KinesisCompression)9, "Compression must be None or Gzip")]
    public void Invalid_settings_are_reported_with_the_sink_name_and_the_value(string property, object value, string message)
    {
        var options = new KinesisSinkOptions { StreamName = "app-logs" };
        typeof(KinesisSinkOptions).GetProperty(property)!.SetValue(options, value);

        var error = Assert.Single(options.Validate("stream"));

        Assert.StartsWith("Kinesis sink 'stream': ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_and_requests_may_be_raised_to_ten_MiB()
    {
        var options = new KinesisSinkOptions { StreamName = "big", MaxRecordBytes = 10 * 1024 * 1024, MaxRequestBytes = 10 * 1024 * 1024 };

        Assert.Empty(options.Validate("k"));
    }
}
