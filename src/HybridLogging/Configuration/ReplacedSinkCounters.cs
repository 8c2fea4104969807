namespace HybridLogging.Internal;

/// <summary>
/// What the earlier versions of one configured destination did: a reload that changes its settings replaces its worker,
/// and the statistics keep showing the destination's totals (as streams do with <see cref="StreamCounters"/>).
/// A replaced worker counts as "retiring" while it writes what it accepted, then its final counters are folded in.
/// </summary>
internal sealed class ReplacedSinkCounters
{
    private readonly Lock _lock = new();
    private readonly List<SinkWorker> _retiring = [];
    private SinkStats? _retired;

    public void BeginRetire(SinkWorker worker)
    {
        lock (_lock)
        {
            _retiring.Add(worker);
        }
    }

    public void EndRetire(SinkWorker worker)
    {
        var final = worker.GetStats();
        lock (_lock)
        {
            _retiring.Remove(worker);
            _retired = _retired is null ? final : Add(_retired, final, _retired);
        }
    }

    /// <summary>The final counters of the workers retired so far (zero when none), and the workers still retiring.</summary>
    public (SinkStats Retired, SinkWorker[] Retiring) Snapshot()
    {
        lock (_lock)
        {
            return (_retired ?? new SinkStats(), [.. _retiring]);
        }
    }

    /// <summary>The current worker's counters plus those of every worker it replaced.</summary>
    public SinkStats Include(SinkStats current)
    {
        SinkStats? retired;
        SinkWorker[] retiring;
        lock (_lock)
        {
            retired = _retired;
            retiring = [.. _retiring];
        }

        var total = current;
        foreach (var worker in retiring)
        {
            total = Add(total, worker.GetStats(), current);
        }

        return retired is null ? total : Add(total, retired, current);
    }

    /// <summary>Sums two snapshots; name, stream, capacity and the last error come from <paramref name="identity"/> (the newest) when it has them.</summary>
    private static SinkStats Add(SinkStats a, SinkStats b, SinkStats identity) => new()
    {
        Name = identity.Name,
        Stream = identity.Stream,
        Received = a.Received + b.Received,
        Written = a.Written + b.Written,
        Dropped = a.Dropped + b.Dropped,
        Failed = a.Failed + b.Failed,
        Retried = a.Retried + b.Retried,
        Batches = a.Batches + b.Batches,
        BytesWritten = a.BytesWritten + b.BytesWritten,
        QueueLength = a.QueueLength + b.QueueLength,
        QueueCapacity = identity.QueueCapacity,
        LastFlush = a.LastFlush is null ? b.LastFlush : b.LastFlush is null ? a.LastFlush : (a.LastFlush > b.LastFlush ? a.LastFlush : b.LastFlush),
        LastError = identity.LastError ?? a.LastError ?? b.LastError,
        FailedByReason = Sum(a.FailedByReason, b.FailedByReason),
        Counters = Sum(a.Counters, b.Counters),
    };

    private static Dictionary<string, long> Sum(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var sum = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (key, value) in b)
        {
            sum[key] = sum.GetValueOrDefault(key) + value;
        }

        return sum;
    }
}
