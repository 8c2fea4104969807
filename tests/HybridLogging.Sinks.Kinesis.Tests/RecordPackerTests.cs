using System.IO.Compression;
using HybridLogging.Sinks.Kinesis.Internal.Records;
using HybridLogging.Sinks.Kinesis.Tests.Kit;

namespace HybridLogging.Sinks.Kinesis.Tests;

/// <summary>How a batch becomes Kinesis records, without a service.</summary>
public sealed class RecordPackerTests
{
    [Fact]
    public void Without_aggregation_each_entry_is_its_own_record_with_its_bytes_uncopied()
    {
        var packer = new RecordPacker(new KinesisSinkOptions { StreamName = "s" });
        var records = Some.Records(5, i => $"c{i}");

        Assert.Equal(0, packer.Pack(Some.Batch(records)));

        Assert.Equal(5, packer.Records.Count);
        for (var i = 0; i < 5; i++)
        {
            var record = packer.Records[i];
            Assert.True(record.Data.Span == records[i].Bytes.Span, "the record's data is the entry's own memory");
            Assert.Equal($"c{i}", record.PartitionKey);
            Assert.Equal(records[i].Bytes.Length + 2, record.Size);
            Assert.Equal([i], packer.MembersOf(record).ToArray());
        }
    }

    [Fact]
    public void Aggregation_fills_records_up_to_the_limit_counting_the_key_and_keeps_entry_order_per_key()
    {
        var packer = new RecordPacker(new KinesisSinkOptions { StreamName = "s", AggregateEntries = true, MaxRecordBytes = 3_072 });
        // 25 entries of 300 bytes for key "ab", interleaved with 5 for key "cd": 10 fit beside a 2-byte key (3,002 <= 3,072).
        var records = Enumerable.Range(0, 30).Select(i => Some.RecordOfSize(i, 300, i % 6 == 5 ? "cd" : "ab")).ToArray();

        Assert.Equal(0, packer.Pack(Some.Batch(records)));

        var sizes = packer.Records.Select(r => (r.PartitionKey, r.MemberCount, r.Size)).ToArray();
        Assert.Equal([("ab", 10, 3_002), ("cd", 5, 1_502), ("ab", 10, 3_002), ("ab", 5, 1_502)], sizes);
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 6 != 5).Take(10), packer.MembersOf(packer.Records[0]).ToArray());
    }

    [Fact]
    public void With_gzip_aggregates_that_do_not_compress_are_halved_until_each_fits_and_nothing_is_lost()
    {
        // Arbitrary bytes (a custom formatter's output) that gzip cannot shrink: packed by uncompressed size, the gzip
        // member is a little larger than the limit, so the packer splits the group.
        var random = new Random(3);
        var records = Enumerable.Range(0, 40).Select(i =>
        {
            var bytes = new byte[1_000];
            random.NextBytes(bytes);
            return new LogRecord(bytes, i, Some.Time, Microsoft.Extensions.Logging.LogLevel.Information, "S", "same");
        }).ToArray();
        var packer = new RecordPacker(new KinesisSinkOptions
        {
            StreamName = "s", AggregateEntries = true, Compression = KinesisCompression.Gzip, MaxRecordBytes = 8_192,
        });

        Assert.Equal(0, packer.Pack(Some.Batch(records)));

        Assert.All(packer.Records, r => Assert.True(r.Size <= 8_192, $"{r.Size}"));
        Assert.True(packer.Records.Count > 40 * 1_000 / 8_192 + 1, "groups were split");
        var members = packer.Records.SelectMany(r => packer.MembersOf(r).ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 40), members);
        foreach (var record in packer.Records)
        {
            using var gzip = new GZipStream(new MemoryStream(record.Data.ToArray()), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            Assert.Equal(packer.MembersOf(record).ToArray().SelectMany(m => records[m].Bytes.ToArray()), plain.ToArray());
        }
    }

    [Fact]
    public void Entries_already_marked_are_skipped_and_oversize_entries_fail_as_tooLarge()
    {
        var packer = new RecordPacker(new KinesisSinkOptions { StreamName = "s", MaxRecordBytes = 1_024 });
        var batch = Some.Batch(Some.RecordOfSize(0, 1_000, "k"), Some.RecordOfSize(1, 1_024, "k"), Some.RecordOfSize(2, 1_023, "k"));
        batch.Fail(0, "earlier");

        Assert.Equal(1, packer.Pack(batch));

        Assert.Equal(RecordPacker.TooLargeReason, batch.GetReason(1));
        Assert.Equal([2], packer.Records.SelectMany(r => packer.MembersOf(r).ToArray()));
        Assert.Equal(1_024, Assert.Single(packer.Records).Size);
    }
}
