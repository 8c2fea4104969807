namespace HybridLogging.Internal;

/// <summary>
/// A lock-free object pool that starts small and doubles (up to <see cref="MaxCapacity"/>) when returns find it full.
/// </summary>
/// <remarks>
/// Capture holders are pooled per state type (one pool per <c>[LoggerMessage]</c> shape), and how many are in flight
/// at once depends on how far the dispatcher lags: up to the pipeline queue's capacity during a burst. A fixed small
/// pool then allocates on every call of a burst; a fixed large one costs memory for every shape an app uses. Growing
/// on demand costs memory only for shapes that really burst. Growth swaps in a larger ring; holders left in the old
/// ring are still handed out to renters that read it before the swap, or collected.
/// </remarks>
internal sealed class GrowingPool<T>
    where T : class
{
    public const int InitialCapacity = 64;
    public const int MaxCapacity = 32_768;

    private volatile BoundedRing<T> _ring = new(InitialCapacity);

    public int Capacity => _ring.Capacity;

    public bool TryRent([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? item) => _ring.TryDequeue(out item);

    public void Return(T item)
    {
        var ring = _ring;
        if (ring.TryEnqueue(item) || ring.Capacity >= MaxCapacity)
        {
            return;
        }

        var bigger = new BoundedRing<T>(ring.Capacity * 2);
        bigger.TryEnqueue(item);
        while (ring.TryDequeue(out var moved) && bigger.TryEnqueue(moved))
        {
        }

        // If another thread grew the pool first, this ring (and what it holds) is simply dropped.
        Interlocked.CompareExchange(ref _ring, bigger, ring);
    }
}
