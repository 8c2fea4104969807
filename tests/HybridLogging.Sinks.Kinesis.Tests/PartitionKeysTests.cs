using HybridLogging.Sinks.Kinesis.Internal.Records;
using HybridLogging.Sinks.Kinesis.Tests.Kit;

namespace HybridLogging.Sinks.Kinesis.Tests;

public sealed class PartitionKeysTests
{
    [Theory]
    [InlineData("""{"userId":"u-1","properties":{"userId":"inner"}}""", "userId", "u-1")]
    [InlineData("""{"message":"m","properties":{"Tenant":"t-9","Index":3}}""", "Tenant", "t-9")]
    [InlineData("""{"properties":{"Index":42}}""", "Index", "42")]
    [InlineData("""{"properties":{"Flag":true}}""", "Flag", "true")]
    [InlineData("""{"properties":{"Obj":{"a":1}}}""", "Obj", null)]
    [InlineData("""{"metadata":{"Tenant":"no"},"properties":{}}""", "Tenant", null)]
    [InlineData("""{"message":"quote \" and \u00e9","properties":{"K":"caf\u00e9"}}""", "K", "café")]
    [InlineData("not json", "K", null)]
    public void A_property_key_is_read_from_a_top_level_field_or_else_the_properties_object(string json, string name, string? expected)
    {
        Assert.Equal(expected, PartitionKeys.FindField(System.Text.Encoding.UTF8.GetBytes(json + "\n"), System.Text.Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void Missing_keys_fall_back_to_null_so_the_record_takes_a_random_key()
    {
        var byCorrelation = new PartitionKeys(KinesisPartitionKeySource.CorrelationId, null);
        var bySource = new PartitionKeys(KinesisPartitionKeySource.Source, null);
        var random = new PartitionKeys(KinesisPartitionKeySource.Random, null);

        Assert.Null(byCorrelation.KeyOf(Some.Record(0)));
        Assert.Equal("c", byCorrelation.KeyOf(Some.Record(0, "c")));
        Assert.Null(bySource.KeyOf(Some.Record(0, source: "")));
        Assert.Equal("Orders", bySource.KeyOf(Some.Record(0, source: "Orders")));
        Assert.Null(random.KeyOf(Some.Record(0, "c")));
        Assert.NotEqual(PartitionKeys.RandomKey(), PartitionKeys.RandomKey());
    }
}
