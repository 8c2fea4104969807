namespace HybridLogging;

/// <summary>Handle for a <see cref="CorrelationContext"/>; disposing it restores the previous context.</summary>
public sealed class CorrelationScope : IDisposable
{
    private readonly CorrelationContext? _previous;
    private int _disposed;

    internal CorrelationScope(CorrelationContext context, CorrelationContext? previous)
    {
        Context = context;
        _previous = previous;
    }

    /// <summary>The context this handle began.</summary>
    public CorrelationContext Context { get; }

    /// <summary>Restores the context that was current when this one began. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            CorrelationContext.Restore(_previous);
        }
    }
}
