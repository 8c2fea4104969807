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
/// calling thread (the text is taken at the call, see <see cref="ErrorCapture.Snapshot"/>). A failure that repeats (a
/// dependency down, a throttled call) throws along the same frames every time, so the frames select a text built
/// earlier. They are read in place (<see cref="ThrownFrames"/>): a repeated failure costs neither a text nor a listed
/// <see cref="StackTrace"/>. <c>ExceptionCaptureBenchmarks</c> measures the whole snapshot (benchmarks/RESULTS.md).
/// </summary>
/// <remarks>
/// Why the frames decide the text: the runtime writes the text from the frames alone (each frame's method, and its
/// file and line, which follow from the method and the code address), except in two cases that the frames do not show
/// and that are therefore never shared: a type that overrides <see cref="Exception.StackTrace"/>, and an exception that
/// carries a stack trace text of its own (<c>ExceptionDispatchInfo.SetRemoteStackTrace</c>, or a deserialized
/// exception). The second is only visible in two private fields of <see cref="Exception"/>, read through
/// <see cref="UnsafeAccessorAttribute"/>; on a runtime without them nothing is shared and every text is built.
/// Hidden frames (<c>ExceptionDispatchInfo.Throw</c> at an async rethrow) are recorded, and so are the marks where a
/// rethrow split the trace, so both are part of the key. A text is kept only after its frames were listed once and
/// every method among them was named and not collectible: a kept key then refers to code that stays where it is for
/// the life of the process, and traces through a plugin's load context are never kept (they would keep it loaded).
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
        ulong[]? key = null;
        int hash;
        object source;
        try
        {
            if (!CanShare(exception) || !ThrownFrames.TryRead(exception, MaxFrames, out var frames))
            {
                return exception.StackTrace;
            }

            hash = frames.Hash();
            var known = Recent.Get(hash);
            if (known is not null && known.Hash == hash && frames.Matches(known.Key))
            {
                return known.Text;
            }

            if (NamedAndLasting(exception, frames.Count))
            {
                key = frames.ToKey();
            }

            source = frames.Source;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Reading the frames is only a shortcut: whatever goes wrong there, the text is read the usual way.
            return exception.StackTrace;
        }

        var text = exception.StackTrace;
        if (key is not null && text is not null && text.Length <= MaxSharedLength && Unchanged(exception, source, key))
        {
            Recent.Set(hash, new Known(hash, key, text));
        }

        return text;
    }

    // A rethrow on another thread between reading the frames and the text would pair the key with a longer text.
    private static bool Unchanged(Exception exception, object source, ulong[] key) =>
        ThrownFrames.TryRead(exception, MaxFrames, out var now) && ReferenceEquals(now.Source, source) && now.Matches(key);

    // Listed once per text kept: every frame's method must be named (not a dynamic method, not most frames under
    // NativeAOT) and not collectible, and the runtime must see as many frames as were read.
    private static bool NamedAndLasting(Exception exception, int count)
    {
        var trace = new StackTrace(exception, fNeedFileInfo: false);
        if (trace.FrameCount != count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (MethodOf(trace.GetFrame(i)!) is not { IsCollectible: false })
            {
                return false;
            }
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

    // A method is only checked for a name and an assembly that stays loaded: metadata that trimming removed can only
    // cost a reuse, never give a wrong text.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Checked for a name and a lasting assembly; a missing method is never shared.")]
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
    private sealed class Known(int hash, ulong[] key, string text)
    {
        public int Hash { get; } = hash;

        public ulong[] Key { get; } = key;

        public string Text { get; } = text;
    }
}
