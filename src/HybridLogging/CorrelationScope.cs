namespace HybridLogging;

/// <summary>
/// Handle for a <see cref="CorrelationContext"/> begun by <see cref="CorrelationContext.Begin"/>; disposing it restores
/// the context that was current when this one began.
/// </summary>
/// <remarks>
/// A struct, so beginning a request's context costs no handle object: the state a handle needs (whether it was disposed,
/// what to restore) lives in the context, which is made once per <see cref="CorrelationContext.Begin"/> anyway. Copies of
/// a handle are the same handle: disposing any of them disposes it, once. A <c>default</c> instance has no context and
/// its <see cref="Dispose"/> does nothing.
/// </remarks>
public readonly struct CorrelationScope : IDisposable, IEquatable<CorrelationScope>
{
    internal CorrelationScope(CorrelationContext context) => Context = context;

    /// <summary>The context this handle began.</summary>
    public CorrelationContext Context { get; }

    /// <summary>
    /// Restores the context that was current when this one began (even when contexts begun since are still open).
    /// Idempotent, across copies of the handle too.
    /// </summary>
    public void Dispose() => Context?.End();

    /// <inheritdoc />
    public bool Equals(CorrelationScope other) => ReferenceEquals(Context, other.Context);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CorrelationScope other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Context?.GetHashCode() ?? 0;

    /// <summary>True when both handles are for the same context.</summary>
    public static bool operator ==(CorrelationScope left, CorrelationScope right) => left.Equals(right);

    /// <summary>True when the handles are for different contexts.</summary>
    public static bool operator !=(CorrelationScope left, CorrelationScope right) => !left.Equals(right);
}
