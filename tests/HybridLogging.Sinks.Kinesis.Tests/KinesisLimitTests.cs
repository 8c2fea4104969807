using HybridLogging.Sinks.Kinesis.Internal.Records;
using HybridLogging.Sinks.Kinesis.Tests.Kit;

namespace HybridLogging.Sinks.Kinesis.Tests;

/// <summary>Every PutRecords limit, at and over the limit, against kinesalite (which enforces 500 records and 1 MiB of data).</summary>
public sealed class KinesisLimitTests(KinesaliteFixture kinesalite)
{
    private const int MiB = 1024 * 1024;

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entry_at_the_record_limit_counting_its_partition_key_is_written_and_one_byte_more_fails_as_tooLarge()
    {
        var stream = await NewStreamAsync("record-limit");
        var key = "order-4711"; // 10 bytes
        var atLimit = Some.RecordOfSize(0, MiB - key.Length, key);
        var overLimit = Some.RecordOfSize(1, MiB - key.Length + 1, key);
        await using var sink = TestSinks.Kinesis(kinesalite, stream);

        var batch = Some.Batch(atLimit, overLimit);
        await sink.WriteAsync(batch, Ct);

        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(1));
        Assert.Equal(RecordPacker.TooLargeReason, batch.GetReason(1));
        var stored = Assert.Single(await kinesalite.Client.ReadAllAsync(stream, Ct));
        Assert.Equal(key, stored.PartitionKey);
        Assert.Equal(atLimit.Bytes.ToArray(), stored.Data);
        Assert.Equal(MiB, sink.BytesWritten);
    }

    [Fact]
    public async Task Records_filling_the_request_size_exactly_share_one_request_and_one_byte_more_starts_another()
    {
        var stream = await NewStreamAsync("request-limit");
        var transport = new FaultInjector();
        await using var sink = TestSinks.Kinesis(kinesalite, stream, transport: transport);
        const string key = "k"; // 1 byte: record size = data + 1

        // 4 x 1 MiB + 2 x 512 KiB = 5 MiB exactly (the default MaxRequestBytes): one request.
        LogRecord[] exact = [.. Enumerable.Range(0, 4).Select(i => Some.RecordOfSize(i, MiB - 1, key)),
            Some.RecordOfSize(4, (MiB / 2) - 1, key), Some.RecordOfSize(5, (MiB / 2) - 1, key)];
        await sink.WriteAsync(Some.Batch(exact), Ct);
        Assert.Equal([6], transport.RecordsPerRequest);

        // The same with the last record one byte larger: 5 MiB + 1, so it goes in a second request.
        LogRecord[] over = [.. exact[..5], Some.RecordOfSize(6, MiB / 2, key)];
        var batch = Some.Batch(over);
        await sink.WriteAsync(batch, Ct);
        Assert.Equal([6, 5, 1], transport.RecordsPerRequest);
        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));

        Assert.Equal(12, (await kinesalite.Client.ReadAllAsync(stream, Ct)).Count);
    }

    [Fact]
    public async Task A_request_holds_at_most_500_records_or_the_configured_count()
    {
        var stream = await NewStreamAsync("count-limit");
        var transport = new FaultInjector();
        await using (var sink = TestSinks.Kinesis(kinesalite, stream, transport: transport))
        {
            await sink.WriteAsync(Some.Batch(Some.Records(1_201)), Ct);
        }

        Assert.Equal([500, 500, 201], transport.RecordsPerRequest);

        var small = new FaultInjector();
        await using (var sink = TestSinks.Kinesis(kinesalite, stream, o => o.MaxRecordsPerRequest = 7, small))
        {
            await sink.WriteAsync(Some.Batch(Some.Records(20)), Ct);
        }

        Assert.Equal([7, 7, 6], small.RecordsPerRequest);
        Assert.Equal(1_221, (await kinesalite.Client.ReadAllAsync(stream, Ct)).Count);
    }

    [Fact]
    public async Task A_smaller_MaxRequestBytes_splits_requests_by_data_plus_partition_key_bytes()
    {
        var stream = await NewStreamAsync("small-requests");
        var transport = new FaultInjector();
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o =>
        {
            o.MaxRecordBytes = 4_096;
            o.MaxRequestBytes = 10_000;
        }, transport);

        // 3,000-byte lines + 4-byte keys: three fit in 10,000 bytes (9,012), a fourth does not.
        await sink.WriteAsync(Some.Batch(Enumerable.Range(0, 7).Select(i => Some.RecordOfSize(i, 3_000, "corr")).ToArray()), Ct);

        Assert.Equal([3, 3, 1], transport.RecordsPerRequest);
    }

    [Fact]
    public async Task Partition_keys_longer_than_256_characters_are_cut_to_256_without_splitting_a_surrogate_pair()
    {
        var stream = await NewStreamAsync("long-keys");
        var plain = new string('a', 300);
        var emoji = new string('b', 255) + "😀" + "tail"; // the pair straddles character 256
        await using (var sink = TestSinks.Kinesis(kinesalite, stream))
        {
            var batch = Some.Batch(Some.Record(0, plain), Some.Record(1, emoji));
            await sink.WriteAsync(batch, Ct);
            Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
            Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(1));
        }

        var keys = (await kinesalite.Client.ReadAllAsync(stream, Ct)).Select(r => r.PartitionKey).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([new string('a', 256), new string('b', 255)], keys);
    }

    [Fact]
    public async Task A_record_the_stream_refuses_is_isolated_and_failed_while_the_rest_of_its_request_is_written()
    {
        // The sink is told records may be 2 MiB, but this stream (kinesalite) takes 1 MiB: the service rejects the whole
        // request (ValidationException), and the sink halves it until the bad record is alone.
        var stream = await NewStreamAsync("refused");
        var transport = new FaultInjector();
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o => o.MaxRecordBytes = 2 * MiB, transport);
        var records = Some.Records(9).ToList();
        records.Insert(5, Some.RecordOfSize(100, (3 * MiB) / 2));

        var batch = Some.Batch(records);
        await sink.WriteAsync(batch, Ct);

        for (var i = 0; i < batch.Count; i++)
        {
            Assert.Equal(i == 5 ? LogRecordOutcome.Failed : LogRecordOutcome.Written, batch.GetOutcome(i));
        }

        Assert.Equal("rejected", batch.GetReason(5));
        Assert.Equal([10, 5, 5, 2, 1, 1, 3], transport.RecordsPerRequest);
        var indices = (await kinesalite.Client.ReadAllAsync(stream, Ct)).Select(r => Some.IndexOf(Assert.Single(r.Lines()))).Order();
        Assert.Equal(Enumerable.Range(0, 9), indices);
    }

    private async Task<string> NewStreamAsync(string prefix)
    {
        var stream = KinesaliteFixture.NewStreamName(prefix);
        await kinesalite.Client.CreateStreamAsync(stream, shards: 2, Ct);
        return stream;
    }
}
