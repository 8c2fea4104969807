using System.Collections.Concurrent;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Emulator;

/// <summary>Faults the emulator injects into the next <c>_bulk</c> requests or items.</summary>
internal sealed class EsFaults
{
    private readonly ConcurrentDictionary<string, int> _throttled = new(StringComparer.Ordinal);
    private int _drops;
    private int _lostResponses;
    private int _failures;
    private int _failureStatus = 503;

    /// <summary>How long each <c>_bulk</c> request is held before it is handled (to observe concurrency).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Requests whose decompressed body is larger get 413.</summary>
    public int? MaxContentLength { get; set; }

    /// <summary>Documents with this field (dotted path) get a 400 mapping error.</summary>
    public string? RejectField { get; set; }

    /// <summary>The next <paramref name="count"/> bulk requests are dropped (connection closed, nothing stored).</summary>
    public void DropConnections(int count) => Interlocked.Exchange(ref _drops, count);

    /// <summary>The next <paramref name="count"/> bulk requests are stored, then their connection is closed without an answer.</summary>
    public void LoseResponses(int count) => Interlocked.Exchange(ref _lostResponses, count);

    /// <summary>The next <paramref name="count"/> bulk requests get <paramref name="status"/> (nothing stored).</summary>
    public void FailRequests(int count, int status)
    {
        _failureStatus = status;
        Interlocked.Exchange(ref _failures, count);
    }

    /// <summary>These document ids get 429 once each.</summary>
    public void ThrottleOnce(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            _throttled[id] = 1;
        }
    }

    /// <summary>Ids given to <see cref="ThrottleOnce"/> that have not been throttled yet.</summary>
    public int PendingThrottles => _throttled.Count;

    internal bool TakeDrop() => Take(ref _drops);

    internal bool TakeLostResponse() => Take(ref _lostResponses);

    internal int? TakeRequestFailure() => Take(ref _failures) ? _failureStatus : null;

    internal bool TakeThrottle(string id) => _throttled.TryRemove(id, out _);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
