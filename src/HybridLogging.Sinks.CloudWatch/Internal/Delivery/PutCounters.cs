namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>Sink-specific counts of one batch, added from concurrent calls and handed to the batch at the end.</summary>
internal sealed class PutCounters
{
    private long _alreadyAccepted;
    private long _recreated;
    private long _possibleDuplicates;
    private long _isolationCalls;
    private long _bytes;

    public void AlreadyAccepted(int count) => Interlocked.Add(ref _alreadyAccepted, count);

    public void Recreated() => Interlocked.Increment(ref _recreated);

    public void PossibleDuplicates(int count) => Interlocked.Add(ref _possibleDuplicates, count);

    public void IsolationCall() => Interlocked.Increment(ref _isolationCalls);

    public void Written(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long IsolationCalls => Interlocked.Read(ref _isolationCalls);

    public void ApplyTo(LogRecordBatch batch)
    {
        Add(batch, "alreadyAccepted", _alreadyAccepted);
        Add(batch, "recreated", _recreated);
        Add(batch, "possibleDuplicates", _possibleDuplicates);
        Add(batch, "isolationCalls", _isolationCalls);
    }

    private static void Add(LogRecordBatch batch, string name, long value)
    {
        if (value > 0)
        {
            batch.AddCount(name, value);
        }
    }
}
