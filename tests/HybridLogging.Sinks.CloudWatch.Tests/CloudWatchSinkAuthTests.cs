using System.Diagnostics;
using System.Net;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using NSubstitute;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>Authentication errors: reported once through the self-log, then backed off (the self-log output is process-wide).</summary>
[Collection(SelfLogCollection.Name)]
public sealed class CloudWatchSinkAuthTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Access_denied_is_reported_once_retried_and_backed_off_then_recovery_is_reported()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        var reports = new List<string>();
        HybridSelfLog.Enable(m => { lock (reports) { reports.Add(m); } });
        try
        {
            await using var sink = Emulated.Sink(emulator, o => o.LogStreamNameTemplate = "fixed");
            await sink.WriteAsync(Some.Batch(Some.LogEntry(0)), Ct); // group and stream exist
            emulator.DenyNext(2);

            // Started before the first refusal: the backoff it starts (1 s) must pass before the second call ends.
            var watch = Stopwatch.StartNew();
            var first = Some.Batch(Some.LogEntry(1));
            await sink.WriteAsync(first, Ct);
            var second = Some.Batch(Some.LogEntry(2));
            await sink.WriteAsync(second, Ct);
            var secondTook = watch.Elapsed;
            var third = Some.Batch(Some.LogEntry(3));
            await sink.WriteAsync(third, Ct);

            Assert.Equal("auth", first.GetReason(0));
            Assert.Equal("auth", second.GetReason(0));
            Assert.Null(third.GetReason(0));
            // 1 s of backoff, less timer and clock granularity (the wall clock and Stopwatch tick differently).
            Assert.True(secondTook >= TimeSpan.FromMilliseconds(950), $"the second call ended {secondTook} after the first began");
            string[] mine;
            lock (reports)
            {
                mine = [.. reports.Where(r => r.Contains("HybridLogging: CloudWatch sink 'test'", StringComparison.Ordinal))];
            }

            Assert.Single(mine, r => r.Contains("AccessDeniedException", StringComparison.Ordinal));
            Assert.Single(mine, r => r.Contains("accepted again", StringComparison.Ordinal));
            Assert.All(mine, r => Assert.DoesNotContain(CloudWatchLogsEmulator.SecretKey, r, StringComparison.Ordinal));
        }
        finally
        {
            HybridSelfLog.Disable();
        }
    }
}
