using HybridLogging.Sinks.CloudWatch.Internal.Client;

namespace HybridLogging.Sinks.CloudWatch.Internal.Batching;

/// <summary>
/// One PutLogEvents call: events of one stream in chronological order, within every limit, with the batch index of
/// each event and the outcome decided for it (set by one task at a time; applied to the batch after all calls end).
/// </summary>
internal sealed class PutCall(string stream, InputLogEvent[] events, int[] batchIndexes)
{
    public string Stream { get; } = stream;

    public InputLogEvent[] Events { get; } = events;

    /// <summary>The index in the <see cref="LogRecordBatch"/> of each event.</summary>
    public int[] BatchIndexes { get; } = batchIndexes;

    /// <summary>Per event: null when written, else the reason it failed for good.</summary>
    public string?[] FailReasons { get; } = new string?[events.Length];

    /// <summary>Per event: null when written, else the reason it should be sent again.</summary>
    public string?[] RetryReasons { get; } = new string?[events.Length];

    public void Fail(int start, int count, string reason)
    {
        for (var i = start; i < start + count; i++)
        {
            FailReasons[i] = reason;
            RetryReasons[i] = null;
        }
    }

    public void Retry(int start, int count, string reason)
    {
        for (var i = start; i < start + count; i++)
        {
            if (FailReasons[i] is null)
            {
                RetryReasons[i] = reason;
            }
        }
    }

    public void ApplyTo(LogRecordBatch batch)
    {
        for (var i = 0; i < Events.Length; i++)
        {
            if (FailReasons[i] is { } failed)
            {
                batch.Fail(BatchIndexes[i], failed);
            }
            else if (RetryReasons[i] is { } retry)
            {
                batch.Retry(BatchIndexes[i], retry);
            }
        }
    }
}
