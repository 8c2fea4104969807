using System.Diagnostics;
using System.Net;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using NSubstitute;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>Per-record outcomes of each kind of service answer.</summary>
public sealed class CloudWatchSinkOutcomeTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<KeyValuePair<string, long>> Counts(LogRecordBatch batch) => CloudWatchSinkBatchTests.Counts(batch);

    private static string?[] Reasons(LogRecordBatch batch) => [.. Enumerable.Range(0, batch.Count).Select(batch.GetReason)];

    [Fact]
    public async Task Rejected_events_fail_as_too_new_or_too_old_and_the_rest_are_written()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        var batch = Some.Batch(
            Some.LogEntry(0, now.AddDays(-15)),   // older than 14 days
            Some.LogEntry(1, now.AddDays(-15).AddMinutes(1)),
            Some.LogEntry(2, now),
            Some.LogEntry(3, now.AddHours(3)),    // more than 2 hours ahead
            Some.LogEntry(4, now.AddMinutes(-1)),
            Some.LogEntry(5, now.AddHours(2.5)));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(["tooOld", "tooOld", null, "tooNew", null, "tooNew"], Reasons(batch));
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(0));
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(3));
        Assert.Equal(2, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task Events_older_than_the_retention_set_at_creation_fail_as_expired()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => { o.LogStreamNameTemplate = "fixed"; o.RetentionDays = 1; });
        var now = Some.Now;
        var batch = Some.Batch(Some.LogEntry(0, now.AddHours(-30)), Some.LogEntry(1, now.AddHours(-20)));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal(["expired", null], Reasons(batch));
        Assert.Equal(1, emulator.Store.Groups["/tests/app"].RetentionInDays);
        Assert.Equal(1, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task Throttling_and_server_errors_mark_records_for_retry_and_the_retry_delivers_them_once()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        var entries = Enumerable.Range(0, 10).Select(i => Some.LogEntry(i, now)).ToArray();

        emulator.ThrottleNext(1);
        var first = Some.Batch(entries);
        await sink.WriteAsync(first, Ct);
        emulator.FailNext(1);
        var second = Some.Batch(entries);
        await sink.WriteAsync(second, Ct);
        var third = Some.Batch(entries);
        await sink.WriteAsync(third, Ct);

        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(LogRecordOutcome.Retry, first.GetOutcome(i)));
        Assert.All(Reasons(first), r => Assert.Equal("throttled", r));
        Assert.All(Reasons(second), r => Assert.Equal("unavailable", r));
        Assert.All(Reasons(third), Assert.Null);
        Assert.Equal(10, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task A_lost_stream_is_created_again_and_the_put_repeated()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        await sink.WriteAsync(Some.Batch(Some.LogEntry(0, now)), Ct);
        Assert.True(emulator.LoseStream("/tests/app", "fixed"));

        var batch = Some.Batch(Some.LogEntry(1, now), Some.LogEntry(2, now));
        await sink.WriteAsync(batch, Ct);

        Assert.All(Reasons(batch), Assert.Null);
        Assert.Contains(new KeyValuePair<string, long>("recreated", 1), Counts(batch));
        Assert.Equal(2, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task A_lost_group_is_created_again_with_the_stream()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        await sink.WriteAsync(Some.Batch(Some.LogEntry(0, now)), Ct);
        Assert.True(emulator.Store.Groups.TryRemove("/tests/app", out _));

        var batch = Some.Batch(Some.LogEntry(1, now));
        await sink.WriteAsync(batch, Ct);

        Assert.All(Reasons(batch), Assert.Null);
        Assert.Equal(1, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task Invalid_parameter_isolates_the_offending_event_and_delivers_the_rest()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        emulator.Operations.PoisonText = "POISON";
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        var entries = Enumerable.Range(0, 100).Select(i => Some.LogEntry(i, now, message: i == 37 ? "POISON" : null)).ToArray();
        var batch = Some.Batch(entries);

        await sink.WriteAsync(batch, Ct);

        Assert.Equal("invalid", batch.GetReason(37));
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(37));
        Assert.Equal(99, Reasons(batch).Count(r => r is null));
        Assert.Equal(99, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
        Assert.InRange(emulator.PutCalls, 3, 20);
    }

    [Fact]
    public async Task A_response_lost_after_storing_is_retried_and_counted_as_possible_duplicates()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
        var now = Some.Now;
        var entries = Enumerable.Range(0, 5).Select(i => Some.LogEntry(i, now)).ToArray();

        emulator.DropResponseNext(1);
        var first = Some.Batch(entries);
        await sink.WriteAsync(first, Ct);
        var retry = Some.Batch(entries);
        await sink.WriteAsync(retry, Ct);

        Assert.All(Reasons(first), r => Assert.Equal("transport", r));
        Assert.Contains(new KeyValuePair<string, long>("possibleDuplicates", 5), Counts(first));
        Assert.All(Reasons(retry), Assert.Null);
        // CloudWatch Logs has no idempotency key: the stored copy plus the resent one, exactly as counted.
        Assert.Equal(10, emulator.Store.Groups["/tests/app"].Streams["fixed"].Count);
    }

    [Fact]
    public async Task Data_already_accepted_counts_the_events_as_written()
    {
        var client = Substitute.For<ICloudWatchLogsClient>();
        client.PutLogEventsAsync(default!, default!, default, Ct).ReturnsForAnyArgs<Task<RejectedLogEventsInfo?>>(
            _ => throw new AwsServiceException("DataAlreadyAcceptedException", HttpStatusCode.BadRequest, "The given batch of log events has already been accepted."));
        await using var sink = new CloudWatchLogsSink("test", new CloudWatchSinkOptions { LogStreamNameTemplate = "fixed" }, client);
        var batch = Some.Batch(Some.LogEntry(0), Some.LogEntry(1));

        await sink.WriteAsync(batch, Ct);

        Assert.All(Reasons(batch), Assert.Null);
        Assert.Contains(new KeyValuePair<string, long>("alreadyAccepted", 2), Counts(batch));
    }

    [Fact]
    public async Task Retention_is_set_with_accepted_values_and_refused_clearly_otherwise()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator);
        using var reader = new LogsReader(emulator);
        await sink.WriteAsync(Some.Batch(Some.LogEntry(0)), Ct);

        await sink.SetRetentionAsync(30, Ct);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => sink.SetRetentionAsync(2, Ct).AsTask());

        Assert.Equal(30, (await reader.GroupAsync("/tests/app", Ct))!.RetentionInDays);
        Assert.Contains("1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653", error.Message, StringComparison.Ordinal);
        Assert.Contains("(was 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creation_can_be_switched_off_and_a_missing_stream_is_then_retried_not_created()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        await using var sink = Emulated.Sink(emulator, o => { o.LogStreamNameTemplate = "fixed"; o.CreateLogGroup = false; o.CreateLogStream = false; });
        var batch = Some.Batch(Some.LogEntry(0));

        await sink.WriteAsync(batch, Ct);

        Assert.Equal("notFound", batch.GetReason(0));
        Assert.Empty(emulator.Store.Groups);
    }
}
