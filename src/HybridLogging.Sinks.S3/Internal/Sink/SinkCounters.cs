namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// The sink's own counters. Objects are also stored outside a write (by the age timer, on flush), where no batch is at
/// hand to carry counters to the destination's statistics; so the counters accumulate here and each write reports
/// what grew since the previous one (<see cref="ReportTo"/>).
/// </summary>
internal sealed class SinkCounters
{
    private static readonly string[] Names = ["objects", "multipartObjects", "keyTaken", "alreadyStored", "abortedUploads", "uploadRetries", "conflictRetries"];

    private readonly long[] _values = new long[Names.Length];
    private readonly long[] _reported = new long[Names.Length];

    public long Objects => Read(0);

    public long MultipartObjects => Read(1);

    public long AbortedUploads => Read(4);

    public void AddObject() => Interlocked.Increment(ref _values[0]);

    public void AddMultipartObject() => Interlocked.Increment(ref _values[1]);

    public void AddKeyTaken() => Interlocked.Increment(ref _values[2]);

    public void AddAlreadyStored() => Interlocked.Increment(ref _values[3]);

    public void AddAbortedUpload() => Interlocked.Increment(ref _values[4]);

    public void AddUploadRetry() => Interlocked.Increment(ref _values[5]);

    /// <summary>Sets the 409 retries the object store counted (it keeps its own total).</summary>
    public void SetConflictRetries(long total) => Volatile.Write(ref _values[6], total);

    /// <summary>Adds to the batch what each counter grew by since the last report. Called under the sink's gate.</summary>
    public void ReportTo(LogRecordBatch batch)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            var value = Read(i);
            if (value > _reported[i])
            {
                batch.AddCount(Names[i], value - _reported[i]);
                _reported[i] = value;
            }
        }
    }

    private long Read(int index) => Volatile.Read(ref _values[index]);
}
