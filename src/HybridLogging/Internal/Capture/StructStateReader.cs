using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace HybridLogging.Internal;

/// <summary>
/// Reads a struct state that is a key/value list (<c>LoggerMessage.Define</c>'s <c>LogValues&lt;…&gt;</c>, the
/// <c>[LoggerMessage]</c> generator's own structs) through constrained calls, so the dispatcher does not box the state
/// once per entry to reach its <see cref="IReadOnlyList{T}"/> members (48–64 bytes per entry for the usual states).
/// Null for other states, and where the runtime cannot make the generic type (native AOT): they are read as before.
/// </summary>
internal abstract class StructStateReader<TState>
{
    /// <summary>The reader for <typeparamref name="TState"/>, or null when the state is read through its interface.</summary>
    public static readonly StructStateReader<TState>? Instance = Create();

    public abstract int Count(ref TState state);

    public abstract KeyValuePair<string, object?> Get(ref TState state, int index);

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only where dynamic code is supported; elsewhere the state is read through its interface.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "ListReader<T> is kept by the typeof below; T is the state type being logged.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "ListReader<T> has a public parameterless constructor, kept by the typeof below.")]
    private static StructStateReader<TState>? Create()
    {
        var type = typeof(TState);
        if (!type.IsValueType || !RuntimeFeature.IsDynamicCodeSupported ||
            !typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(type))
        {
            return null;
        }

        try
        {
            return (StructStateReader<TState>?)Activator.CreateInstance(typeof(ListReader<>).MakeGenericType(type));
        }
        catch (Exception)
        {
            return null; // read through the interface (boxed), as before
        }
    }
}

internal sealed class ListReader<T> : StructStateReader<T>
    where T : IReadOnlyList<KeyValuePair<string, object?>>
{
    public override int Count(ref T state) => state.Count;

    public override KeyValuePair<string, object?> Get(ref T state, int index) => state[index];
}
