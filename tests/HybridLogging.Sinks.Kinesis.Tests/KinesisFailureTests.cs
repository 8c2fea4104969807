using System.Net;
using HybridLogging.Aws;
using HybridLogging.Sinks.Kinesis.Tests.Kit;

namespace HybridLogging.Sinks.Kinesis.Tests;

/// <summary>
/// Partial and whole-request failures over real HTTP: kinesalite stores what it is sent, and the fault-injecting
/// transport in front of it fails chosen records (not stored, answered with an ErrorCode) or whole requests.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class KinesisFailureTests(KinesaliteFixture kinesalite)
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_records_with_an_ErrorCode_are_retried_and_every_entry_arrives_exactly_once()
    {
        var stream = await NewStreamAsync("partial");
        var transport = new FaultInjector
        {
            RecordFault = static (index, _) => (index % 3) switch
            {
                1 => "ProvisionedThroughputExceededException",
                2 when index % 2 == 0 => "InternalFailure",
                _ => null,
            },
        };
        await using var sink = TestSinks.Kinesis(kinesalite, stream, transport: transport);
        var records = Some.Records(1_000, i => $"corr-{i % 13}");

        var first = Some.Batch(records);
        await sink.WriteAsync(first, Ct);

        var reasons = Enumerable.Range(0, first.Count).GroupBy(first.GetReason).ToDictionary(g => g.Key ?? "written", g => g.Count());
        Assert.Equal(transport.FaultedRecords, first.Count - reasons["written"]);
        Assert.True(reasons["throttled"] > 300, $"throttled: {reasons["throttled"]}");
        Assert.True(reasons["internalFailure"] > 100, $"internal: {reasons["internalFailure"]}");
        Assert.All(Enumerable.Range(0, first.Count), i => Assert.NotEqual(LogRecordOutcome.Failed, first.GetOutcome(i)));

        // The worker sends the marked records again (here by hand); each record is faulted once only, so the retry lands.
        var (outcomes, errors) = await TestSinks.WriteWithRetriesAsync(sink,
            Enumerable.Range(0, first.Count).Where(i => first.GetOutcome(i) == LogRecordOutcome.Retry).Select(i => records[i]).ToArray(), 3, Ct);
        Assert.Empty(errors);
        Assert.All(outcomes, Assert.Null);

        var indices = (await kinesalite.Client.ReadAllAsync(stream, Ct)).Select(r => Some.IndexOf(Assert.Single(r.Lines()))).Order();
        Assert.Equal(Enumerable.Range(0, 1_000), indices);
    }

    [Fact]
    public async Task A_failed_aggregated_record_retries_every_entry_it_holds_and_each_arrives_once()
    {
        var stream = await NewStreamAsync("partial-aggregate");
        var transport = new FaultInjector { RecordFault = static (index, _) => index % 2 == 0 ? "ProvisionedThroughputExceededException" : null };
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o =>
        {
            o.AggregateEntries = true;
            o.Compression = KinesisCompression.Gzip;
            o.MaxRecordBytes = 4_096;
        }, transport);
        var records = Some.Records(600, i => $"corr-{i % 6}");

        var (outcomes, errors) = await TestSinks.WriteWithRetriesAsync(sink, records, 4, Ct);

        Assert.Empty(errors);
        Assert.All(outcomes, Assert.Null);
        Assert.True(transport.FaultedRecords > 0);
        var indices = (await kinesalite.Client.ReadAllAsync(stream, Ct)).SelectMany(r => r.Lines()).Select(Some.IndexOf).Order();
        Assert.Equal(Enumerable.Range(0, 600), indices);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "InternalFailure")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable")]
    [InlineData(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException")]
    [InlineData(HttpStatusCode.BadRequest, "KMSThrottlingException")]
    public async Task A_whole_request_failure_before_anything_is_written_throws_so_the_batch_is_retried(HttpStatusCode status, string code)
    {
        var stream = await NewStreamAsync("whole");
        var transport = new FaultInjector { RequestFault = n => n == 1 ? (status, code) : null };
        await using var sink = TestSinks.Kinesis(kinesalite, stream, transport: transport);
        var records = Some.Records(10);

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sink.WriteAsync(Some.Batch(records), Ct));
        Assert.Equal(code, error.ErrorCode);

        var (outcomes, errors) = await TestSinks.WriteWithRetriesAsync(sink, records, 2, Ct);
        Assert.Empty(errors);
        Assert.All(outcomes, Assert.Null);
        Assert.Equal(10, (await kinesalite.Client.ReadAllAsync(stream, Ct)).Count);
    }

    [Fact]
    public async Task A_request_failing_after_others_of_the_batch_were_written_retries_only_the_unsent_records()
    {
        var stream = await NewStreamAsync("midway");
        var transport = new FaultInjector { RequestFault = n => n == 2 ? (HttpStatusCode.InternalServerError, "InternalFailure") : null };
        await using var sink = TestSinks.Kinesis(kinesalite, stream, o => o.MaxRecordsPerRequest = 4, transport);
        var records = Some.Records(10);

        var batch = Some.Batch(records);
        await sink.WriteAsync(batch, Ct); // requests of 4, 4, 2: the second fails, the third is not sent

        Assert.Equal([4, 4], transport.RecordsPerRequest);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i < 4 ? LogRecordOutcome.Written : LogRecordOutcome.Retry, batch.GetOutcome(i));
        }

        Assert.Equal("serviceError", batch.GetReason(4));
        var (outcomes, _) = await TestSinks.WriteWithRetriesAsync(sink, records[4..], 2, Ct);
        Assert.All(outcomes, Assert.Null);
        var indices = (await kinesalite.Client.ReadAllAsync(stream, Ct)).Select(r => Some.IndexOf(Assert.Single(r.Lines()))).Order();
        Assert.Equal(Enumerable.Range(0, 10), indices);
    }

    [Fact]
    public async Task A_missing_stream_is_reported_once_per_rate_limit_window_with_a_clear_message_and_the_batch_is_retried()
    {
        using var selfLog = new SelfLogCapture();
        await using var sink = TestSinks.Kinesis(kinesalite, "no-such-stream-" + Guid.NewGuid().ToString("N")[..8]);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sink.WriteAsync(Some.Batch(Some.Records(3)), Ct));
            Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        }

        var report = Assert.Single(selfLog.Messages, m => m.Contains("no-such-stream-", StringComparison.Ordinal));
        Assert.Contains("was not found or is not active", report, StringComparison.Ordinal);
        Assert.Contains("Create the stream or correct StreamName/StreamArn and Region", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_errors_are_reported_with_the_permission_needed_and_never_with_the_secret()
    {
        using var selfLog = new SelfLogCapture();
        var stream = await NewStreamAsync("denied");
        var transport = new FaultInjector { RequestFault = _ => (HttpStatusCode.BadRequest, "AccessDeniedException") };
        await using var sink = TestSinks.Kinesis(kinesalite, stream, transport: transport);

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sink.WriteAsync(Some.Batch(Some.Records(2)), Ct));

        Assert.True(error.IsAuthError);
        var report = Assert.Single(selfLog.Messages, m => m.Contains(stream, StringComparison.Ordinal));
        Assert.Contains("kinesis:PutRecords", report, StringComparison.Ordinal);
        Assert.DoesNotContain(KinesaliteFixture.SecretKey, report, StringComparison.Ordinal);
        Assert.DoesNotContain(KinesaliteFixture.SecretKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(KinesaliteFixture.SecretKey, sink.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_throws_a_transport_error_so_the_batch_is_retried()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var options = new KinesisSinkOptions { StreamName = "s", Region = KinesaliteFixture.Region, ServiceUrl = $"http://127.0.0.1:{port}" };
        await using var sink = Internal.KinesisSinkBuilder.Create("test", options, KinesaliteFixture.Credentials);

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sink.WriteAsync(Some.Batch(Some.Records(2)), Ct));
        Assert.Equal(AwsServiceException.TransportErrorCode, error.ErrorCode);
    }

    private async Task<string> NewStreamAsync(string prefix)
    {
        var stream = KinesaliteFixture.NewStreamName(prefix);
        await kinesalite.Client.CreateStreamAsync(stream, shards: 2, Ct);
        return stream;
    }
}
