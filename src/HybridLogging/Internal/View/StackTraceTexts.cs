using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace HybridLogging.Internal;

/// <summary>
/// An exception's stack trace text, shared with an earlier exception thrown along the same frames. Reading
/// <see cref="Exception.StackTrace"/> resolves every frame's method signature, file and line each time: measured on the
/// 2-core benchmark VM, 3.3 µs for two frames, 15-27 µs for twelve, 31-57 µs for an async chain of six. That runs on the
/// calling thread (the text is taken at the call, see <see cref="ErrorCapture.Snapshot"/>). Listing the frames alone
/// (method and IL offset, no file information) costs 0.55, 1.5 and 2.3 µs for the same exceptions, and a failure that
/// repeats (a dependency down, a throttled call) throws along the same frames every time, so the frames select a text
/// built earlier. <c>ExceptionCaptureBenchmarks</c> measures the whole snapshot both ways (benchmarks/RESULTS.md).
/// </summary>
/// <remarks>
/// Why the frames decide the text: the runtime writes the text from the frames alone (each frame's method, and its
/// file and line, which follow from the method and the IL offset), except in two cases that the frames do not show and
/// that are therefore never shared: a type that overrides <see cref="Exception.StackTrace"/>, and an exception that
/// carries a stack trace text of its own (<c>ExceptionDispatchInfo.SetRemoteStackTrace</c>, or a deserialized
/// exception). The second is only visible in two private fields of <see cref="Exception"/>, read through
/// <see cref="UnsafeAccessorAttribute"/>; on a runtime without them nothing is shared and every text is built.
/// Hidden frames (<c>ExceptionDispatchInfo.Throw</c> at an async rethrow) are listed, so where a rethrow split the trace
/// is part of the key. A key compares methods with <see cref="MethodBase.Equals(object)"/>, which is stricter than the
/// text (two instantiations of one generic method are two keys), never looser. A kept key holds its methods, so traces
/// through a collectible assembly (a plugin's load context) are not kept: they would keep it from unloading.
/// </remarks>
internal static class StackTraceTexts
{
    private const int Slots = 64;
    private const int MaxSharedLength = 16 * 1024;
    private const int MaxFrames = 256;
    private const int MaxTypes = 256;

    private static readonly RecentSlots<Known> Recent = new(Slots);
    private static readonly ConcurrentDictionary<Type, bool> PlainTypes = new();
    private static volatile bool _fieldsMissing;

    /// <summary>The text <see cref="Exception.StackTrace"/> returns now; may throw what an override throws.</summary>
    public static string? Of(Exception exception)
    {
        StackTrace? trace;
        int hash;
        try
        {
            if (!TryKey(exception, out trace, out hash))
            {
                return exception.StackTrace;
            }

            var known = Recent.Get(hash);
            if (known is not null && known.Matches(hash, trace))
            {
                return known.Text;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Listing the frames is only a shortcut: whatever goes wrong there, the text is read the usual way.
            return exception.StackTrace;
        }

        var text = exception.StackTrace;
        if (text is not null && text.Length <= MaxSharedLength)
        {
            Recent.Set(hash, new Known(hash, trace, text));
        }

        return text;
    }

    private static bool TryKey(Exception exception, [NotNullWhen(true)] out StackTrace? trace, out int hash)
    {
        trace = null;
        hash = 0;
        if (!CanShare(exception))
        {
            return false;
        }

        trace = new StackTrace(exception, fNeedFileInfo: false);
        var count = trace.FrameCount;
        if (count == 0 || count > MaxFrames)
        {
            return false; // not thrown (no text, or a remote one), or too deep to be worth a key
        }

        for (var i = 0; i < count; i++)
        {
            var frame = trace.GetFrame(i)!;
            if (MethodOf(frame) is not { IsCollectible: false } method)
            {
                // A frame whose method the runtime cannot name (a dynamic method; most frames under NativeAOT) does not
                // tell two call paths apart, and a kept method of a collectible assembly (a plugin's load context)
                // would keep that assembly from unloading: such a trace is never shared.
                return false;
            }

            hash = HashCode.Combine(hash, method.GetHashCode(), frame.GetILOffset());
        }

        return true;
    }

    private static bool CanShare(Exception exception)
    {
        if (_fieldsMissing)
        {
            return false;
        }

        try
        {
            if (RemoteStackTraceString(exception) is not null || StackTraceString(exception) is not null)
            {
                return false;
            }
        }
        catch (MissingFieldException)
        {
            _fieldsMissing = true;
            return false;
        }

        var type = exception.GetType();
        if (type.IsCollectible)
        {
            return false; // a plugin's exception type: kept in PlainTypes, it would keep its load context from unloading
        }

        if (PlainTypes.TryGetValue(type, out var plain))
        {
            return plain;
        }

        plain = DoesNotOverrideStackTrace(type);
        if (PlainTypes.Count < MaxTypes)
        {
            PlainTypes.TryAdd(type, plain); // bounded: types made at run time must not grow it without limit
        }

        return plain;
    }

    // Methods are compared for identity only, and a frame without one is never shared (above): metadata that trimming
    // removed can only cost a reuse, never give a wrong text.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Identity only; a missing method is never shared.")]
    private static MethodBase? MethodOf(StackFrame frame) => frame.GetMethod();

    // The trimmer keeps a property's definition with any accessor it keeps, and an override of StackTrace on a thrown
    // type is kept (it overrides a member that is used), so the check sees every override that can run.
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "An override that can run keeps its property.")]
    private static bool DoesNotOverrideStackTrace(Type type)
    {
        try
        {
            return type.GetProperty(nameof(Exception.StackTrace), BindingFlags.Public | BindingFlags.Instance)?.GetMethod?.DeclaringType == typeof(Exception);
        }
        catch (AmbiguousMatchException)
        {
            return false; // a property that hides StackTrace with "new": not worth telling apart
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_remoteStackTraceString")]
    private static extern ref string? RemoteStackTraceString(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_stackTraceString")]
    private static extern ref string? StackTraceString(Exception exception);

    /// <summary>The frames of an exception whose text was built, and that text. Immutable.</summary>
    private sealed class Known
    {
        private readonly int _hash;
        private readonly MethodBase?[] _methods;
        private readonly int[] _offsets;

        public Known(int hash, StackTrace trace, string text)
        {
            _hash = hash;
            _methods = new MethodBase?[trace.FrameCount];
            _offsets = new int[trace.FrameCount];
            for (var i = 0; i < _methods.Length; i++)
            {
                var frame = trace.GetFrame(i)!;
                _methods[i] = MethodOf(frame);
                _offsets[i] = frame.GetILOffset();
            }

            Text = text;
        }

        public string Text { get; }

        public bool Matches(int hash, StackTrace trace)
        {
            if (hash != _hash || trace.FrameCount != _methods.Length)
            {
                return false;
            }

            for (var i = 0; i < _methods.Length; i++)
            {
                var frame = trace.GetFrame(i)!;
                if (frame.GetILOffset() != _offsets[i] || !Equals(MethodOf(frame), _methods[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
