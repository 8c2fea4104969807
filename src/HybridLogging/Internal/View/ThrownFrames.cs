using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HybridLogging.Internal;

/// <summary>
/// The frames the runtime recorded while an exception was thrown, read in place: for each frame its code address, its
/// method's runtime handle and the runtime's flags for it. They identify the frames as exactly as a listed
/// <see cref="StackTrace"/> does, without making one: <c>new StackTrace(exception)</c> allocates about 800 B (its helper's
/// arrays and a frame object per frame) even for one frame, on the calling thread, for every logged exception
/// (<see cref="StackTraceTexts"/> needs only the identity to find a text built earlier).
/// </summary>
/// <remarks>
/// <para>
/// Nothing public exposes the recorded frames, so they are read from <see cref="Exception"/>'s private
/// <c>_stackTrace</c> field, in the layout CoreCLR gives it on 64-bit machines (.NET 9 and 10): an array of bytes with a
/// header (the frame count, the throwing thread) and one 32-byte element per frame (code address, stack address, method,
/// flags). The stack address is left out of the identity: it depends on how deep the thread's stack was, not on the
/// frames. An exception whose frames the runtime must keep alive (a dynamic method, a collectible assembly) gets an
/// object array instead, and is never read: such frames are never shared anyway.
/// </para>
/// <para>
/// The layout is checked once per process before it is trusted: exceptions thrown twice from one place must read the
/// same, from two places differently, and the count must be the runtime's own frame count. A runtime whose layout
/// differs, or that has no such field (NativeAOT), fails the check and nothing is read (<see cref="TryRead"/> is false;
/// every text is then built). A code address of a method that is never unloaded keeps its meaning for the life of the
/// process, which is why <see cref="StackTraceTexts"/> keeps only frames whose methods are not collectible.
/// </para>
/// </remarks>
internal readonly ref struct ThrownFrames
{
    private const int HeaderSize = 16;
    private const int FrameSize = 32;
    private const int MethodOffset = 16;
    private const int FlagsOffset = 24;

    /// <summary>Values per frame in a key: code address, method, flags.</summary>
    private const int KeyWidth = 3;

    private static readonly bool LayoutKnown = CheckLayout();

    private readonly ReadOnlySpan<byte> _data;

    private ThrownFrames(object source, ReadOnlySpan<byte> data, int count)
    {
        Source = source;
        _data = data;
        Count = count;
    }

    /// <summary>The runtime's record these frames were read from (a rethrow on another thread replaces it).</summary>
    public object Source { get; }

    public int Count { get; }

    /// <summary>The recorded frames of a thrown exception; false when they cannot be read (see the remarks).</summary>
    public static bool TryRead(Exception exception, int maxFrames, out ThrownFrames frames)
    {
        frames = default;
        return LayoutKnown && TryReadUnchecked(exception, maxFrames, out frames);
    }

    public int Hash()
    {
        var hash = Count;
        for (var i = 0; i < Count; i++)
        {
            hash = HashCode.Combine(hash, Address(i), Method(i), Flags(i));
        }

        return hash;
    }

    /// <summary>The frames' identity, to keep and compare later frames against (<see cref="Matches"/>).</summary>
    public ulong[] ToKey()
    {
        var key = new ulong[Count * KeyWidth];
        for (var i = 0; i < Count; i++)
        {
            key[i * KeyWidth] = Address(i);
            key[(i * KeyWidth) + 1] = Method(i);
            key[(i * KeyWidth) + 2] = Flags(i);
        }

        return key;
    }

    public bool Matches(ulong[] key)
    {
        if (key.Length != Count * KeyWidth)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (key[i * KeyWidth] != Address(i) || key[(i * KeyWidth) + 1] != Method(i) || key[(i * KeyWidth) + 2] != Flags(i))
            {
                return false;
            }
        }

        return true;
    }

    private ulong Address(int frame) => Read(HeaderSize + (frame * FrameSize));

    private ulong Method(int frame) => Read(HeaderSize + (frame * FrameSize) + MethodOffset);

    // The element's flags are 4 bytes followed by 4 bytes of padding that the runtime leaves uninitialised.
    private ulong Flags(int frame) => MemoryMarshal.Read<uint>(_data.Slice(HeaderSize + (frame * FrameSize) + FlagsOffset, sizeof(uint)));

    private ulong Read(int offset) => MemoryMarshal.Read<ulong>(_data.Slice(offset, sizeof(ulong)));

    private static long CountOf(ReadOnlySpan<byte> data) => MemoryMarshal.Read<long>(data[..sizeof(long)]);

    private static bool TryReadUnchecked(Exception exception, int maxFrames, out ThrownFrames frames)
    {
        frames = default;
        var record = RecordOf(exception);
        ReadOnlySpan<byte> data = record switch
        {
            byte[] bytes => bytes,
            sbyte[] signed => MemoryMarshal.AsBytes(signed.AsSpan()),
            _ => default, // none (never thrown), or frames kept alive by an object array: not read
        };

        if (data.Length < HeaderSize)
        {
            return false;
        }

        // The count is read once: another thread rethrowing the exception only appends after it.
        var count = CountOf(data);
        if (count <= 0 || count > maxFrames || HeaderSize + (count * FrameSize) > data.Length)
        {
            return false;
        }

        frames = new ThrownFrames(record!, data, (int)count);
        return true;
    }

    private static object? RecordOf(Exception exception)
    {
        try
        {
            return StackTraceRecord(exception);
        }
        catch (MissingFieldException)
        {
            return null; // a runtime without the field (NativeAOT): CheckLayout already failed there
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_stackTrace")]
    private static extern ref object? StackTraceRecord(Exception exception);

    private static bool CheckLayout()
    {
        if (IntPtr.Size != 8 || !BitConverter.IsLittleEndian)
        {
            return false;
        }

        try
        {
            var first = ThrownAt(0);
            var again = ThrownAt(0);
            var elsewhere = ThrownAt(1);
            if (!TryReadUnchecked(first, 1, out var a) || !TryReadUnchecked(again, 1, out var b) || !TryReadUnchecked(elsewhere, 1, out var c))
            {
                return false;
            }

            var key = a.ToKey();
            return b.Matches(key) && !c.Matches(key) && a.Hash() == b.Hash() && new StackTrace(first, fNeedFileInfo: false).FrameCount == a.Count;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever fails here (a missing field, another layout) must not fail the type's initializer: that would
            // throw on every logged exception instead of turning the shortcut off once.
            return false;
        }
    }

    // Two throw sites in one method: same method, two code addresses.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception ThrownAt(int site)
    {
        try
        {
            if (site == 0)
            {
                throw new LayoutProbeException("first site");
            }

            throw new LayoutProbeException("second site"); // another argument: two throws the JIT cannot merge into one
        }
        catch (LayoutProbeException ex)
        {
            return ex;
        }
    }

    private sealed class LayoutProbeException(string message) : Exception(message);
}
