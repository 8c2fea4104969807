using System.Runtime.CompilerServices;

namespace HybridLogging.Internal;

/// <summary>
/// The boxes the dispatcher puts a state's primitive values in (an <c>int</c> order id, a <c>double</c> latency), one per
/// value position and type, overwritten for each entry instead of allocated: a view's property values are
/// <see cref="object"/>s, and MEL's <c>LogValues</c> indexer boxed each such value anew (24-32 B apiece, most of the
/// pipeline's allocation per entry).
/// </summary>
/// <remarks>
/// A recycled box holds its value only until the dispatcher reads the next entry, so it must never outlive the entry's
/// view: the view marks such properties, and hands out a fresh box (<see cref="Rebox"/>) wherever a value may be kept
/// (its public accessors, a <see cref="LogEntry"/>, a copy for a subscriber). The dispatcher's own readers (the JSON
/// writer, the message renderer, filters) use the value while the entry is dispatched and keep nothing.
/// Single-threaded: each dispatcher's <see cref="ViewBuilder"/> owns one.
/// </remarks>
internal sealed class RecycledBoxes
{
    private const int TypeCount = 16;

    private readonly object?[]?[] _slots = new object?[TypeCount][];
    private readonly int _positions;
    private bool[] _flags;
    private int _flagged;

    public RecycledBoxes(int positions)
    {
        _positions = positions;
        _flags = new bool[Math.Min(positions, 16)];
    }

    /// <summary>Whether the value read at <paramref name="index"/> of the current entry is in a recycled box.</summary>
    public bool IsRecycled(int index) => (uint)index < (uint)_flagged && _flags[index];

    /// <summary>Forgets which positions of the previous entry were recycled (their boxes are reused from now on).</summary>
    public void BeginEntry()
    {
        if (_flagged > 0)
        {
            Array.Clear(_flags, 0, _flagged);
            _flagged = 0;
        }
    }

    /// <summary>Moves a position's mark with its value, when the reader's values are compacted.</summary>
    public void Move(int from, int to)
    {
        if (IsRecycled(from))
        {
            Mark(to);
            _flags[from] = false;
        }
    }

    /// <summary>
    /// The value as an object: for the primitive types below in this position's box, overwritten; any other type boxed as
    /// usual. The branches on <typeparamref name="T"/> are folded away for each value type the JIT compiles it for.
    /// </summary>
    public object? Box<T>(int index, T value)
    {
        if (typeof(T) == typeof(int)) { return Recycle(0, index, Unsafe.As<T, int>(ref value)); }
        if (typeof(T) == typeof(double)) { return Recycle(1, index, Unsafe.As<T, double>(ref value)); }
        if (typeof(T) == typeof(long)) { return Recycle(2, index, Unsafe.As<T, long>(ref value)); }
        if (typeof(T) == typeof(bool)) { return Recycle(3, index, Unsafe.As<T, bool>(ref value)); }
        if (typeof(T) == typeof(decimal)) { return Recycle(4, index, Unsafe.As<T, decimal>(ref value)); }
        if (typeof(T) == typeof(float)) { return Recycle(5, index, Unsafe.As<T, float>(ref value)); }
        if (typeof(T) == typeof(DateTime)) { return Recycle(6, index, Unsafe.As<T, DateTime>(ref value)); }
        if (typeof(T) == typeof(DateTimeOffset)) { return Recycle(7, index, Unsafe.As<T, DateTimeOffset>(ref value)); }
        if (typeof(T) == typeof(TimeSpan)) { return Recycle(8, index, Unsafe.As<T, TimeSpan>(ref value)); }
        if (typeof(T) == typeof(Guid)) { return Recycle(9, index, Unsafe.As<T, Guid>(ref value)); }
        if (typeof(T) == typeof(short)) { return Recycle(10, index, Unsafe.As<T, short>(ref value)); }
        if (typeof(T) == typeof(byte)) { return Recycle(11, index, Unsafe.As<T, byte>(ref value)); }
        if (typeof(T) == typeof(uint)) { return Recycle(12, index, Unsafe.As<T, uint>(ref value)); }
        if (typeof(T) == typeof(ulong)) { return Recycle(13, index, Unsafe.As<T, ulong>(ref value)); }
        if (typeof(T) == typeof(ushort)) { return Recycle(14, index, Unsafe.As<T, ushort>(ref value)); }
        if (typeof(T) == typeof(sbyte)) { return Recycle(15, index, Unsafe.As<T, sbyte>(ref value)); }
        return value;
    }

    /// <summary>A fresh box with the value of <paramref name="value"/>, for a value that outlives its entry.</summary>
    public static object Rebox(object value) => value switch
    {
        int v => v,
        double v => v,
        long v => v,
        bool v => v,
        decimal v => v,
        float v => v,
        DateTime v => v,
        DateTimeOffset v => v,
        TimeSpan v => v,
        Guid v => v,
        short v => v,
        byte v => v,
        uint v => v,
        ulong v => v,
        ushort v => v,
        sbyte v => v,
        _ => value,
    };

    private object Recycle<TValue>(int type, int index, TValue value)
        where TValue : struct
    {
        if ((uint)index >= (uint)_positions)
        {
            return value;
        }

        var slots = _slots[type] ??= new object?[_positions];
        var box = slots[index] ??= default(TValue);
        Unsafe.Unbox<TValue>(box) = value;
        Mark(index);
        return box;
    }

    private void Mark(int index)
    {
        if (index >= _flags.Length)
        {
            Array.Resize(ref _flags, Math.Min(_positions, Math.Max(index + 1, _flags.Length * 2)));
        }

        _flags[index] = true;
        _flagged = Math.Max(_flagged, index + 1);
    }
}
