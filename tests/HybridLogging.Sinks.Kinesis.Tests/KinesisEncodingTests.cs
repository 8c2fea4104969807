using HybridLogging.Sinks.Kinesis.Internal.Records;
using HybridLogging.Sinks.Kinesis.Tests.Kit;

namespace HybridLogging.Sinks.Kinesis.Tests;

/// <summary>Aggregation (NDJSON records), gzip and partition key choices, read back from kinesalite as a consumer would.</summary>
public sealed class KinesisEncodingTests(KinesaliteFixture kinesalite)
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(KinesisCompression.None)]
    [InlineData(KinesisCompression.Gzip)]
    public async Task Aggregated_records_hold_the_entries_of_one_partition_key_and_every_entry_arrives_once(KinesisCompression compression)
    {
        var stream = await NewStreamAsync("aggregate");
        var transport = new FaultInjector();
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o =>
        {
            o.AggregateEntries = true;
            o.Compression = compression;
            o.MaxRecordBytes = 16 * 1024;
        }, transport);
        // 3,000 entries, 10 correlation ids, every 10th without one (those share random-key records).
        var records = Some.Records(3_000, i => i % 10 == 9 ? null : $"corr-{i % 10}", padding: 40);

        var batch = Some.Batch(records);
        await sink.WriteAsync(batch, Ct);

        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        var stored = await kinesalite.Client.ReadAllAsync(stream, Ct);
        Assert.All(stored, r => Assert.Equal(compression == KinesisCompression.Gzip, r.IsGzip));
        Assert.All(stored, r => Assert.True(r.Data.Length + r.PartitionKey.Length <= 16 * 1024));
        Assert.True(stored.Count < 3_000 / 20, $"{stored.Count} records for 3,000 entries");
        Assert.Equal(stored.Count, transport.RecordsPerRequest.Sum());

        var seen = new HashSet<int>();
        foreach (var record in stored)
        {
            var indices = record.Lines().Select(Some.IndexOf).ToArray();
            Assert.All(indices, i => Assert.True(seen.Add(i), $"entry {i} twice"));
            if (record.PartitionKey.StartsWith("corr-", StringComparison.Ordinal))
            {
                Assert.All(indices, i => Assert.Equal(record.PartitionKey, $"corr-{i % 10}"));
            }
            else
            {
                Assert.All(indices, i => Assert.Equal(9, i % 10));
                Assert.Equal(32, record.PartitionKey.Length);
            }

            // Entries of one key keep their order inside a record.
            Assert.Equal(indices.Order(), indices);
        }

        Assert.Equal(3_000, seen.Count);
    }

    [Fact]
    public async Task Gzip_without_aggregation_sends_one_compressed_entry_per_record_and_lets_a_compressible_entry_over_the_limit_through()
    {
        var stream = await NewStreamAsync("gzip");
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o =>
        {
            o.Compression = KinesisCompression.Gzip;
            o.MaxRecordBytes = 4_096;
        });
        // Entry 1 is 20,000 bytes of JSON but compresses far below 4 KiB; entry 2 is random, so it cannot.
        var random = new Random(7);
        var noise = string.Concat(Enumerable.Range(0, 6_000).Select(_ => (char)random.Next('!', '~')));
        LogRecord[] records = [Some.Record(0), Some.RecordOfSize(1, 20_000), Some.Record(Some.Entry(2, message: noise), 2)];

        var batch = Some.Batch(records);
        await sink.WriteAsync(batch, Ct);

        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(1));
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(2));
        Assert.Equal(RecordPacker.TooLargeReason, batch.GetReason(2));
        var stored = await kinesalite.Client.ReadAllAsync(stream, Ct);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, r => Assert.True(r.IsGzip));
        var lines = stored.Select(r => Assert.Single(r.Lines())).OrderBy(Some.IndexOf).ToArray();
        Assert.Equal(Some.Utf8(records[0].Bytes), lines[0] + "\n");
        Assert.Equal(Some.Utf8(records[1].Bytes), lines[1] + "\n");
    }

    [Theory]
    [InlineData("userId", "user-")]
    [InlineData("Tenant", "tenant-")]
    public async Task Property_partition_keys_come_from_a_top_level_field_or_else_a_property(string property, string expectedPrefix)
    {
        var stream = await NewStreamAsync("property");
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o =>
        {
            o.PartitionKey = KinesisPartitionKeySource.Property;
            o.PartitionKeyProperty = property;
        });
        var entries = Enumerable.Range(0, 10).Select(i => Some.Entry(i, userId: i < 8 ? $"user-{i % 3}" : null)).ToArray();

        await sink.WriteAsync(Some.Batch(entries.Select((e, i) => Some.Record(e, i)).ToArray()), Ct);

        foreach (var record in await kinesalite.Client.ReadAllAsync(stream, Ct))
        {
            var index = Some.IndexOf(Assert.Single(record.Lines()));
            var expected = property == "userId" ? (index < 8 ? $"user-{index % 3}" : null) : $"tenant-{index % 5}";
            if (expected is null)
            {
                Assert.Equal(32, record.PartitionKey.Length); // no such field: a random key
            }
            else
            {
                Assert.StartsWith(expectedPrefix, record.PartitionKey, StringComparison.Ordinal);
                Assert.Equal(expected, record.PartitionKey);
            }
        }
    }

    [Fact]
    public async Task Random_partition_keys_give_each_record_its_own_key_and_spread_records_over_every_shard()
    {
        var stream = await NewStreamAsync("random", shards: 4);
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o => o.PartitionKey = KinesisPartitionKeySource.Random);

        await sink.WriteAsync(Some.Batch(Some.Records(400, _ => "same-correlation")), Ct);

        var stored = await kinesalite.Client.ReadAllAsync(stream, Ct);
        Assert.Equal(400, stored.Select(r => r.PartitionKey).Distinct().Count());
        var perShard = stored.GroupBy(r => r.ShardId).Select(g => g.Count()).ToArray();
        Assert.Equal(4, perShard.Length);
        Assert.All(perShard, n => Assert.InRange(n, 50, 150));
    }

    private async Task<string> NewStreamAsync(string prefix, int shards = 2)
    {
        var stream = KinesaliteFixture.NewStreamName(prefix);
        await kinesalite.Client.CreateStreamAsync(stream, shards, Ct);
        return stream;
    }
}
