namespace HybridLogging.Internal;

/// <summary>
/// A small process-wide table of recently made immutable values, one per slot chosen by hash, shared by every thread
/// without a lock. A slot is simply replaced, so a race loses a later reuse, never correctness: whoever reads a slot
/// checks that the value it finds is the one it wants.
/// </summary>
internal sealed class RecentSlots<T>(int size)
    where T : class
{
    private readonly T?[] _slots = new T?[size];

    public T? Get(int hash) => Volatile.Read(ref _slots[Index(hash)]);

    public void Set(int hash, T value) => Volatile.Write(ref _slots[Index(hash)], value);

    private int Index(int hash) => (int)((uint)hash % (uint)_slots.Length);
}
