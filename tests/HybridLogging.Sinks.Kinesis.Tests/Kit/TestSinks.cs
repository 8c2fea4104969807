using HybridLogging.Sinks.Kinesis.Internal;

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>Sinks pointed at the test's kinesalite stream, optionally through a <see cref="FaultInjector"/>.</summary>
internal static class TestSinks
{
    public static KinesisSink Kinesis(KinesaliteFixture kinesalite, string stream, Action<KinesisSinkOptions>? configure = null, FaultInjector? transport = null)
    {
        var options = new KinesisSinkOptions { StreamName = stream, Region = KinesaliteFixture.Region, ServiceUrl = kinesalite.ServiceUrl };
        configure?.Invoke(options);
        Assert.Empty(options.Validate("test"));
        return KinesisSinkBuilder.Create("test", options, KinesaliteFixture.Credentials, transport is null ? null : () => transport);
    }

    /// <summary>
    /// Writes records the way the destination worker does: the batch, then the records marked for retry in a new batch,
    /// until none is left or <paramref name="maxAttempts"/> is reached; a throwing write retries every record not failed.
    /// Returns the outcome of each record (null = written) and the exceptions seen.
    /// </summary>
    public static async Task<(string?[] Outcomes, List<Exception> Errors)> WriteWithRetriesAsync(
        KinesisSink sink, IReadOnlyList<LogRecord> records, int maxAttempts, CancellationToken ct)
    {
        var outcomes = new string?[records.Count];
        var errors = new List<Exception>();
        var pending = Enumerable.Range(0, records.Count).ToList();
        for (var attempt = 0; attempt < maxAttempts && pending.Count > 0; attempt++)
        {
            var batch = LogRecordBatch.FromRecords(pending.Select(i => records[i]).ToArray());
            try
            {
                await sink.WriteAsync(batch, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors.Add(e);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (batch.GetOutcome(i) != LogRecordOutcome.Failed)
                    {
                        batch.Retry(i, "exception");
                    }
                }
            }

            var next = new List<int>();
            for (var i = 0; i < batch.Count; i++)
            {
                var outcome = batch.GetOutcome(i);
                outcomes[pending[i]] = outcome == LogRecordOutcome.Written ? null : $"{outcome}:{batch.GetReason(i)}";
                if (outcome == LogRecordOutcome.Retry)
                {
                    next.Add(pending[i]);
                }
            }

            pending = next;
        }

        return (outcomes, errors);
    }
}
