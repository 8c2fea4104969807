using System.Collections.Concurrent;

namespace HybridLogging.Internal;

/// <summary>
/// The facade's open correlation contexts by id, bounded: past its capacity the oldest context is evicted (counted and
/// reported on the self-log, rate-limited), so contexts an application forgets to remove cannot grow memory without
/// end. Lookups (one per log call that names a context) take no lock; creation and removal take one.
/// </summary>
internal sealed class CorrelationRegistry(int capacity)
{
    private readonly ConcurrentDictionary<string, OpenCorrelation> _open = new(StringComparer.Ordinal);
    private readonly LinkedList<OpenCorrelation> _order = new();
    private readonly Lock _lock = new();
    private long _evicted;

    public int Capacity { get; } = capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Contexts evicted because the registry was full.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    public OpenCorrelation Create(string? requestId, string? userId, string? sessionId)
    {
        // Guid.NewGuid (the OS generator), not CorrelationIds: this id is also a handle that callers hand back to look
        // the context up or close it, so it must not be guessable from ids seen before.
        var context = new OpenCorrelation(Guid.NewGuid().ToString("N"), requestId, userId, sessionId);
        var evicted = 0;
        lock (_lock)
        {
            context.Node = _order.AddLast(context);
            _open[context.CorrelationId] = context;
            while (_order.Count > Capacity)
            {
                var oldest = _order.First!.Value;
                _order.RemoveFirst();
                _open.TryRemove(oldest.CorrelationId, out _);
                evicted++;
            }
        }

        if (evicted > 0)
        {
            Interlocked.Add(ref _evicted, evicted);
            SelfLog.Report(
                $"The facade's correlation registry is full ({Capacity} open contexts): the oldest was evicted, and calls naming it carry only its id. Remove contexts with RemoveCorrelationContext when their work ends.",
                "facade-correlation-evicted");
        }

        return context;
    }

    public OpenCorrelation? Find(string correlationId) => _open.TryGetValue(correlationId, out var context) ? context : null;

    public bool Remove(string correlationId)
    {
        lock (_lock)
        {
            if (!_open.TryRemove(correlationId, out var context))
            {
                return false;
            }

            _order.Remove(context.Node!);
            return true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _open.Clear();
            _order.Clear();
        }
    }
}
