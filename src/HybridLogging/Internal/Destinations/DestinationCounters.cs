using System.Collections.Concurrent;

namespace HybridLogging.Internal;

/// <summary>
/// One destination's counters: received = written + dropped + failed + pending at every moment; failures by reason and
/// sink-specific counters beside them. Written by the dispatcher (received, dropped) and the destination's loop.
/// </summary>
internal sealed class DestinationCounters
{
    // Reasons and counter names come from sinks; a sink that invents them per item must not grow these without bound.
    private const int MaxKeys = 32;
    private const string OtherKey = "other";

    private readonly ConcurrentDictionary<string, long> _failedByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);

    public long Received;
    public long Written;
    public long Dropped;
    public long Failed;
    public long Retried;
    public long Batches;
    public long LastFlushTicks;
    public string? LastError;

    public long Completed => Volatile.Read(ref Written) + Volatile.Read(ref Dropped) + Volatile.Read(ref Failed);

    public void AddFailed(long count, string reason)
    {
        if (count <= 0)
        {
            return;
        }

        Add(_failedByReason, reason, count);
        Interlocked.Add(ref Failed, count);
    }

    public void AddCount(string name, long amount) => Add(_counters, name, amount);

    public IReadOnlyDictionary<string, long> FailedByReason => new Dictionary<string, long>(_failedByReason, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counters => new Dictionary<string, long>(_counters, StringComparer.Ordinal);

    /// <summary>Adds another destination's final counters (a replaced destination's totals stay in its successor's).</summary>
    public void Absorb(SinkStats final)
    {
        Interlocked.Add(ref Received, final.Received);
        Interlocked.Add(ref Written, final.Written);
        Interlocked.Add(ref Dropped, final.Dropped);
        Interlocked.Add(ref Retried, final.Retried);
        Interlocked.Add(ref Batches, final.Batches);
        foreach (var (reason, count) in final.FailedByReason)
        {
            AddFailed(count, reason);
        }

        var unexplained = final.Failed - final.FailedByReason.Values.Sum();
        AddFailed(unexplained, "unknown");
        foreach (var (name, amount) in final.Counters)
        {
            AddCount(name, amount);
        }
    }

    private static void Add(ConcurrentDictionary<string, long> table, string key, long amount)
    {
        if (!table.ContainsKey(key) && table.Count >= MaxKeys)
        {
            key = OtherKey;
        }

        table.AddOrUpdate(key, amount, (_, current) => current + amount);
    }
}
