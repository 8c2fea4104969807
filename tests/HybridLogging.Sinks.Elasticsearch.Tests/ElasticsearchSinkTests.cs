using System.Text.Json;
using HybridLogging.Sinks.Elasticsearch.Tests.Kit;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed class ElasticsearchSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_lands_in_the_data_stream_as_gzipped_ndjson_with_create_actions_and_deterministic_ids()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(10));

        await sink.WriteAsync(batch, Ct);

        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        var stored = fixture.Emulator.Index("logs-hybrid-default");
        Assert.Equal(10, stored.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => sink.Ids.For(i)).Order(), stored.Keys.Order());
        var request = Assert.Single(fixture.Emulator.Requests, r => r.Path == "/_bulk");
        Assert.StartsWith("application/x-ndjson", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.StartsWith($"{Environment.ProcessId:x}-", sink.Ids.Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dated_index_target_uses_the_index_action_and_the_entry_date()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => o.Target = ElasticsearchTarget.Index);
        var entries = new[] { Some.LogEntry(0), Some.LogEntry(1) };
        var nextDay = new LogEntry { Timestamp = Some.Time.AddDays(1), Message = "tomorrow", Category = "c", Source = "s" };
        var batch = Some.Batch(sink.Formatter, [.. entries, nextDay]);

        await sink.WriteAsync(batch, Ct);
        await sink.WriteAsync(Some.Batch(sink.Formatter, [.. entries, nextDay]), Ct); // same ids again: overwritten, not duplicated

        Assert.Equal(2, fixture.Emulator.Index("hybrid-logs-2026.01.01").Count);
        Assert.Single(fixture.Emulator.Index("hybrid-logs-2026.01.02"));
        Assert.Equal(0, sink.Totals.Duplicates);
    }

    [Fact]
    public async Task Throttled_items_are_marked_for_retry_and_only_they_are_resent()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(20));
        var throttled = new[] { 2, 7, 19 };
        fixture.Emulator.Faults.ThrottleOnce(throttled.Select(i => sink.Ids.For(batch[i].Sequence)));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(throttled, Enumerable.Range(0, 20).Where(i => batch.GetOutcome(i) == LogRecordOutcome.Retry));
        Assert.All(throttled, i => Assert.Equal("throttled", batch.GetReason(i)));
        Assert.Equal(17, fixture.Emulator.DocumentCount);

        var retry = Some.RetriedPart(batch);
        await sink.WriteAsync(retry, Ct);

        Assert.All(Enumerable.Range(0, retry.Count), i => Assert.Equal(LogRecordOutcome.Written, retry.GetOutcome(i)));
        var resent = fixture.Emulator.Requests.Where(r => r.Path == "/_bulk").Last();
        Assert.Equal(throttled.Select(i => sink.Ids.For(batch[i].Sequence)), resent.Ids);
        Assert.Equal(20, fixture.Emulator.DocumentCount);
    }

    [Fact]
    public async Task Mapping_errors_fail_only_those_items_and_reach_the_dead_letter_with_the_reason()
    {
        await using var fixture = await SinkFixture.StartAsync();
        fixture.Emulator.Faults.RejectField = "labels.Bad";
        var sink = fixture.Sink();
        var entries = Some.LogEntries(6);
        entries[1] = Some.LogEntry(1, properties: [new("Bad", "not-a-number")]);
        entries[4] = Some.LogEntry(4, properties: [new("Bad", "still-not")]);
        var batch = Some.Batch(sink.Formatter, entries);

        await sink.WriteAsync(batch, Ct);

        Assert.Equal([1, 4], Enumerable.Range(0, 6).Where(i => batch.GetOutcome(i) == LogRecordOutcome.Failed));
        Assert.Equal("mapping", batch.GetReason(1));
        Assert.Equal(4, fixture.Emulator.DocumentCount);
        var letters = File.ReadAllLines(sink.DeadLetterPath!).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(2, letters.Length);
        Assert.Equal(sink.Ids.For(batch[1].Sequence), letters[0].GetProperty("id").GetString());
        Assert.Equal("logs-hybrid-default", letters[0].GetProperty("index").GetString());
        Assert.Equal(400, letters[0].GetProperty("status").GetInt32());
        Assert.Equal("mapping", letters[0].GetProperty("reason").GetString());
        Assert.Contains("document_parsing_exception", letters[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("failed to parse field [labels.Bad]", letters[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("not-a-number", letters[0].GetProperty("document").GetProperty("labels").GetProperty("Bad").GetString());
        Assert.Equal(2, sink.Totals.DeadLettered);
    }

    [Fact]
    public async Task Lost_response_then_retry_gets_409s_counted_as_delivered_and_stores_each_document_once()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(50));
        fixture.Emulator.Faults.LoseResponses(1);

        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(batch, Ct));
        Assert.Equal(50, fixture.Emulator.DocumentCount); // stored, though the sink never heard

        var retry = Some.Batch(sink.Formatter, Some.LogEntries(50));
        await sink.WriteAsync(retry, Ct);

        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(LogRecordOutcome.Written, retry.GetOutcome(i)));
        Assert.Equal(50, sink.Totals.Duplicates);
        Assert.Equal(50, fixture.Emulator.DocumentCount);
    }

    [Theory]
    [InlineData("503")]
    [InlineData("429")]
    [InlineData("drop")]
    public async Task Whole_request_failures_throw_so_the_core_retries_and_nothing_is_dropped(string fault)
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        if (fault == "drop")
        {
            fixture.Emulator.Faults.DropConnections(1);
        }
        else
        {
            fixture.Emulator.Faults.FailRequests(1, int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture));
        }

        var batch = Some.Batch(sink.Formatter, Some.LogEntries(5));
        var error = await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(batch, Ct));
        Assert.Equal(0, fixture.Emulator.DocumentCount);
        Assert.Contains(fault == "drop" ? "Exception" : $"HTTP {fault}", error.Message, StringComparison.Ordinal);

        var retry = Some.Batch(sink.Formatter, Some.LogEntries(5));
        await sink.WriteAsync(retry, Ct);
        Assert.Equal(5, fixture.Emulator.DocumentCount);
        Assert.Equal(0, sink.Totals.Duplicates);
    }

    [Fact]
    public async Task Failed_request_among_several_marks_only_its_records_for_retry()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => { o.MaxDocumentsPerRequest = 10; o.MaxConcurrentRequests = 1; });
        fixture.Emulator.Faults.FailRequests(1, 502);
        var batch = Some.Batch(sink.Formatter, Some.LogEntries(30));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(Enumerable.Range(0, 10), Enumerable.Range(0, 30).Where(i => batch.GetOutcome(i) == LogRecordOutcome.Retry));
        Assert.Equal("unavailable", batch.GetReason(0));
        Assert.Equal(20, fixture.Emulator.DocumentCount);
    }

    [Fact]
    public async Task Requests_are_bounded_by_document_count_and_bytes()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => { o.MaxDocumentsPerRequest = 7; o.MaxBytesPerRequest = 64 * 1024; });
        var entries = Some.LogEntries(20).Concat(Enumerable.Range(20, 10).Select(i => Some.LogEntry(i, new string('x', 20_000)))).ToArray();

        await sink.WriteAsync(Some.Batch(sink.Formatter, entries), Ct);

        var bulks = fixture.Emulator.Requests.Where(r => r.Path == "/_bulk").ToArray();
        Assert.All(bulks, r => Assert.InRange(r.Ids.Length, 1, 7));
        Assert.All(bulks, r => Assert.InRange(r.BodyLength, 1, 64 * 1024));
        Assert.Equal(30, bulks.Sum(r => r.Ids.Length));
        Assert.Equal(30, fixture.Emulator.DocumentCount);
    }

    [Fact]
    public async Task Requests_of_one_batch_run_concurrently_up_to_the_limit()
    {
        await using var fixture = await SinkFixture.StartAsync();
        fixture.Emulator.Faults.ResponseDelay = TimeSpan.FromMilliseconds(200);
        var sink = fixture.Sink(o => { o.MaxDocumentsPerRequest = 5; o.MaxConcurrentRequests = 3; });

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(50)), Ct);

        Assert.Equal(10, fixture.Emulator.Requests.Count(r => r.Path == "/_bulk"));
        Assert.InRange(fixture.Emulator.MaxConcurrentBulkRequests, 2, 3); // 3 unless the machine is too loaded to overlap them all
        Assert.Equal(50, fixture.Emulator.DocumentCount);
    }

    [Fact]
    public async Task Request_over_the_server_limit_is_split_in_half_until_it_fits()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        var batch = Some.Batch(sink.Formatter, Enumerable.Range(0, 16).Select(i => Some.LogEntry(i, new string('y', 1000))).ToArray());
        fixture.Emulator.Faults.MaxContentLength = 5 * 1024;

        await sink.WriteAsync(batch, Ct);

        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
        Assert.Equal(16, fixture.Emulator.DocumentCount);
        Assert.Contains(fixture.Emulator.Requests, r => r.Status == 413 && r.Ids.Length == 16);
        Assert.True(sink.Totals.Splits >= 3);
    }

    [Fact]
    public async Task Single_document_over_the_server_limit_fails_as_too_large_and_is_dead_lettered()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        fixture.Emulator.Faults.MaxContentLength = 4 * 1024;
        var batch = Some.Batch(sink.Formatter, Some.LogEntry(0), Some.LogEntry(1, new string('z', 10_000)), Some.LogEntry(2));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(1));
        Assert.Equal("tooLarge", batch.GetReason(1));
        Assert.Equal(2, fixture.Emulator.DocumentCount);
        Assert.Contains("\"reason\":\"tooLarge\"", File.ReadAllText(sink.DeadLetterPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_creates_the_lifecycle_policy_and_a_data_stream_template_before_the_first_write()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => { o.Bootstrap = true; o.DataStream = "logs-payments-prod"; o.RetentionDays = 7; });

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct);
        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct);

        var policy = fixture.Emulator.Puts["/_ilm/policy/hybrid-logs"].RootElement;
        Assert.Equal("7d", policy.GetProperty("policy").GetProperty("phases").GetProperty("delete").GetProperty("min_age").GetString());
        var template = fixture.Emulator.Puts["/_index_template/hybrid-logs"].RootElement;
        Assert.Equal("logs-payments-prod", template.GetProperty("index_patterns")[0].GetString());
        Assert.True(template.TryGetProperty("data_stream", out _));
        Assert.Equal(2, fixture.Emulator.Requests.Count(r => r.Method == "PUT"));
        var requests = fixture.Emulator.Requests.ToArray();
        Assert.True(Array.FindIndex(requests, r => r.Method == "PUT") < Array.FindIndex(requests, r => r.Path == "/_bulk"));
        Assert.Equal(3, fixture.Emulator.Index("logs-payments-prod").Count);
    }

    [Fact]
    public async Task A_document_without_a_timestamp_is_refused_by_the_data_stream_and_dead_lettered()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink();
        var noTimestamp = new LogRecord("{\"message\":\"no time\"}\n"u8.ToArray(), 1, Some.Time, Microsoft.Extensions.Logging.LogLevel.Information, "s", null);
        var batch = LogRecordBatch.FromRecords([noTimestamp, .. Some.Records(sink.Formatter, [Some.LogEntry(1)], 2)]);

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(0));
        Assert.Equal("mapping", batch.GetReason(0));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(1));
        Assert.Contains("@timestamp", File.ReadAllText(sink.DeadLetterPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_change_puts_the_lifecycle_policy_with_the_new_delete_age()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var sink = fixture.Sink(o => o.LifecyclePolicy = "app-logs");

        await sink.SetRetentionAsync(7, Ct);

        var policy = fixture.Emulator.Puts["/_ilm/policy/app-logs"].RootElement;
        Assert.Equal("7d", policy.GetProperty("policy").GetProperty("phases").GetProperty("delete").GetProperty("min_age").GetString());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sink.SetRetentionAsync(0, Ct));
    }

    [Fact]
    public async Task Entry_batches_get_ids_of_their_own_so_consecutive_batches_never_collide()
    {
        await using var fixture = await SinkFixture.StartAsync();
        ILogSink sink = fixture.Sink();
        var first = Some.LogEntries(5);
        var second = Enumerable.Range(5, 5).Select(i => Some.LogEntry(i)).ToArray();

        await sink.WriteBatchAsync(first, Ct);
        await sink.WriteBatchAsync(second, Ct);
        await sink.WriteBatchAsync(first, Ct); // the same entry objects again: same ids, answered 409

        Assert.Equal(10, fixture.Emulator.DocumentCount);
        Assert.Equal(5, ((HybridLogging.Sinks.Elasticsearch.Internal.ElasticsearchSink)sink).Totals.Duplicates);
    }

    [Fact]
    public async Task Two_sinks_sharing_a_dead_letter_file_append_whole_lines()
    {
        await using var fixture = await SinkFixture.StartAsync();
        fixture.Emulator.Faults.RejectField = "labels.Bad";
        var first = fixture.Sink();
        var second = fixture.Sink();
        var bad = Enumerable.Range(0, 50).Select(i => Some.LogEntry(i, properties: [new("Bad", new string('b', 2000))])).ToArray();

        await Task.WhenAll(
            Task.Run(async () => await first.WriteAsync(Some.Batch(first.Formatter, bad), Ct), Ct),
            Task.Run(async () => await second.WriteAsync(Some.Batch(second.Formatter, bad), Ct), Ct));

        Assert.Equal(first.DeadLetterPath, second.DeadLetterPath);
        var lines = File.ReadAllLines(first.DeadLetterPath!);
        Assert.Equal(100, lines.Length);
        Assert.All(lines, line => Assert.Equal("mapping", JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString()));
    }
}
