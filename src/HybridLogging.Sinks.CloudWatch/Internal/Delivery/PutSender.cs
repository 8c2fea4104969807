using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal.Batching;
using HybridLogging.Sinks.CloudWatch.Internal.Client;

namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>
/// Sends one planned call and decides the outcome of each of its events:
/// <list type="bullet">
/// <item><c>rejectedLogEventsInfo</c>: failed for good as <c>tooNew</c>, <c>tooOld</c> or <c>expired</c> (the rest are written).</item>
/// <item><c>ResourceNotFoundException</c>: the stream (and group) are created again and the call is repeated once.</item>
/// <item><c>InvalidParameterException</c>: the call is halved until the offending events are alone; those fail as
/// <c>invalid</c> and the rest are delivered.</item>
/// <item><c>DataAlreadyAcceptedException</c>: written (counted as <c>alreadyAccepted</c>).</item>
/// <item>throttling, 5xx and transport failures: retried by the destination with backoff (<c>throttled</c>,
/// <c>unavailable</c>, <c>transport</c>; events of a call that got no answer are counted as <c>possibleDuplicates</c>).</item>
/// <item>authentication and access errors: retried (<c>auth</c>) after <see cref="AuthBackoff"/>.</item>
/// </list>
/// </summary>
internal sealed class PutSender(ICloudWatchLogsClient client, LogResources resources, AuthBackoff auth, SinkReporter reporter)
{
    // Halving 10,000 events reaches single events in 14 levels; the budget bounds the calls one bad batch can cost.
    private const int IsolationBudget = 64;

    public async Task SendAsync(PutCall call, PutCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            await resources.EnsureStreamAsync(call.Stream, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex)
        {
            Classify(call, 0, call.Events.Length, ex, counters);
            return;
        }

        var budget = new StrongBox(IsolationBudget);
        await SendRangeAsync(call, 0, call.Events.Length, true, budget, counters, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendRangeAsync(PutCall call, int start, int count, bool mayRecreate, StrongBox budget, PutCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            var rejected = await client.PutLogEventsAsync(resources.GroupName, call.Stream, call.Events.AsMemory(start, count), cancellationToken).ConfigureAwait(false);
            auth.OnSuccess();
            ApplyRejected(call, start, count, rejected);
            counters.Written(CountBytes(call, start, count));
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException" && mayRecreate)
        {
            counters.Recreated();
            resources.Forget(call.Stream, group: ex.ServiceMessage?.Contains("group", StringComparison.OrdinalIgnoreCase) == true);
            try
            {
                await resources.EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
                await resources.EnsureStreamAsync(call.Stream, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException again)
            {
                Classify(call, start, count, again, counters);
                return;
            }

            await SendRangeAsync(call, start, count, false, budget, counters, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "InvalidParameterException")
        {
            if (count == 1 || budget.Value <= 0)
            {
                call.Fail(start, count, "invalid");
                reporter.Report("invalid", $"the service refused {count} event(s) as invalid: {ex.ServiceMessage}");
                return;
            }

            budget.Value -= 2;
            counters.IsolationCall();
            var half = count / 2;
            await SendRangeAsync(call, start, half, mayRecreate, budget, counters, cancellationToken).ConfigureAwait(false);
            await SendRangeAsync(call, start + half, count - half, mayRecreate, budget, counters, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "DataAlreadyAcceptedException")
        {
            // Legacy answer to a repeated sequence token: the events are stored already.
            counters.AlreadyAccepted(count);
        }
        catch (AwsServiceException ex)
        {
            Classify(call, start, count, ex, counters);
        }
    }

    private void Classify(PutCall call, int start, int count, AwsServiceException error, PutCounters counters)
    {
        if (error.IsAuthError)
        {
            auth.OnFailure(error);
            call.Retry(start, count, "auth");
        }
        else if (error.IsThrottling)
        {
            call.Retry(start, count, "throttled");
        }
        else if (error.ErrorCode == AwsServiceException.TransportErrorCode)
        {
            // No answer: the service may have stored the events, so a resend may duplicate them.
            counters.PossibleDuplicates(count);
            call.Retry(start, count, "transport");
        }
        else if (error.IsRetryable)
        {
            call.Retry(start, count, "unavailable");
        }
        else if (error.ErrorCode == "ResourceNotFoundException")
        {
            call.Retry(start, count, "notFound");
        }
        else
        {
            reporter.Report("error", error.Message);
            call.Retry(start, count, "error");
        }
    }

    private static void ApplyRejected(PutCall call, int start, int count, RejectedLogEventsInfo? rejected)
    {
        if (rejected is null)
        {
            return;
        }

        // Indexes are into the events of this request: [tooNew, count) start inclusive; [0, expired) and [0, tooOld)
        // ends exclusive. An expired event is also too old: "expired" (the group's retention) is the more precise reason.
        if (rejected.ExpiredLogEventEndIndex is { } expired)
        {
            call.Fail(start, Math.Clamp(expired, 0, count), "expired");
        }

        if (rejected.TooOldLogEventEndIndex is { } tooOld)
        {
            var from = Math.Clamp(rejected.ExpiredLogEventEndIndex ?? 0, 0, count);
            var to = Math.Clamp(tooOld, 0, count);
            if (to > from)
            {
                call.Fail(start + from, to - from, "tooOld");
            }
        }

        if (rejected.TooNewLogEventStartIndex is { } tooNew)
        {
            var from = Math.Clamp(tooNew, 0, count);
            call.Fail(start + from, count - from, "tooNew");
        }
    }

    private static long CountBytes(PutCall call, int start, int count)
    {
        long bytes = 0;
        for (var i = start; i < start + count; i++)
        {
            if (call.FailReasons[i] is null)
            {
                bytes += call.Events[i].Message.Length;
            }
        }

        return bytes;
    }

    private sealed class StrongBox(int value)
    {
        public int Value { get; set; } = value;
    }
}
