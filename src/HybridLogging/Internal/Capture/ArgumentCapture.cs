using System.Collections;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>How a state type is captured on the calling thread.</summary>
internal enum CaptureKind
{
    /// <summary>
    /// Every value the state can hold is of an immutable type (a <c>[LoggerMessage]</c> or <c>LoggerMessage.Define</c>
    /// state whose parameters are primitives, strings, enums, dates, ...): the state is kept as it is, at no cost.
    /// </summary>
    Immutable,

    /// <summary>The state is key/value shaped but may hold mutable values: they are checked per call, and snapshotted.</summary>
    Inspect,

    /// <summary>The state is not key/value shaped: only its formatter can read it, so it is rendered at the call.</summary>
    Opaque,
}

/// <summary>
/// Decides, on the calling thread, what of a log call must be copied before the call returns. Arguments are otherwise
/// read later on the dispatcher thread, so a mutable argument (a list the caller adds to afterwards, an object another
/// thread changes) would show later values, or fail to render when mutated concurrently. Values of immutable types stay
/// as captured; anything else is snapshotted here: sequences and maps into bounded arrays, other objects into their
/// <c>ToString()</c>, rendered once and used for both the message and the property.
/// </summary>
internal static class ArgumentCapture
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    // As many values as the dispatcher reads from a state: every argument and the template, not a collection's limit.
    private const int MaxValues = 256;

    public static CaptureKind Classify(Type state)
    {
        if (state == typeof(string))
        {
            return CaptureKind.Immutable;
        }

        if (!typeof(IEnumerable<KeyValuePair<string, object?>>).IsAssignableFrom(state))
        {
            return CaptureKind.Opaque;
        }

        // LoggerMessage.Define's LogValues<T0, ...> (and the non-generic LogValues): the parameter types are the values' types.
        if (state.Assembly == typeof(ILogger).Assembly && state.IsValueType && state.Name.StartsWith("LogValues", StringComparison.Ordinal))
        {
            foreach (var argument in state.IsGenericType ? state.GetGenericArguments() : [])
            {
                if (!IsImmutableType(argument))
                {
                    return CaptureKind.Inspect;
                }
            }

            return CaptureKind.Immutable;
        }

        return IsImmutableStruct(state) ? CaptureKind.Immutable : CaptureKind.Inspect;
    }

    /// <summary>
    /// A struct whose instance fields are all of immutable types, such as the state the <c>[LoggerMessage]</c> source
    /// generator emits when a template's placeholders are in another order than the method's parameters: it cannot
    /// change after the call, so it is kept as captured (no boxing, no per-call check). A struct whose fields cannot be
    /// seen (no reflection metadata) is inspected per call instead.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(
        "Trimming",
        "IL2070",
        Justification = "Instance fields of a value type that is instantiated are kept by the trimmer; when none are visible the state is inspected per call.")]
    private static bool IsImmutableStruct(Type state)
    {
        if (!state.IsValueType)
        {
            return false;
        }

        var fields = state.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        if (fields.Length == 0)
        {
            return false;
        }

        foreach (var field in fields)
        {
            if (!IsImmutableType(field.FieldType))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Types whose instances cannot change after the call (so reading them later reads what was logged).</summary>
    public static bool IsImmutableType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ||
               type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) ||
               type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Half) || type == typeof(Int128) ||
               type == typeof(UInt128) || type == typeof(Uri) || type == typeof(Version);
    }

    /// <summary>Whether a value (of any static type) is of an immutable type.</summary>
    public static bool IsImmutableValue(object? value) => value switch
    {
        null or string or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double
            or decimal or nint or nuint or DateTime or DateTimeOffset or TimeSpan or Guid or DateOnly or TimeOnly or Half
            or Int128 or UInt128 or Enum or Uri or Version => true,
        _ => false,
    };

    /// <summary>Captures what must be copied at the call (calling thread; never throws).</summary>
    public static void Capture<TState>(PendingEntry<TState> entry, in ValueSnapshot.Limits limits)
    {
        switch (PendingEntry<TState>.Kind)
        {
            case CaptureKind.Immutable:
                return;
            case CaptureKind.Opaque:
                entry.PreRendered = RenderNow(entry);
                return;
        }

        // Boxes a struct state once; states of this kind (FormattedLogValues with its object[] of arguments, generated
        // states over reference types) already allocate at the call.
        var state = entry.State;
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            SnapshotEnumerable(entry, (IEnumerable<KeyValuePair<string, object?>>)state!, limits);
            return;
        }

        int count;
        try
        {
            count = list.Count;
        }
        catch (Exception)
        {
            return;
        }

        var mutable = false;
        for (var i = 0; i < count && !mutable; i++)
        {
            mutable = !IsImmutableValue(TryGet(list, i).Value);
        }

        if (!mutable)
        {
            return;
        }

        var snapshot = entry.SnapshotBuffer(Math.Min(count, MaxValues));
        var written = 0;
        for (var i = 0; i < count && written < snapshot.Length; i++)
        {
            var (key, value, ok) = TryGet(list, i);
            if (ok)
            {
                snapshot[written++] = new(key, key == OriginalFormatKey ? value : Take(value, limits));
            }
        }

        entry.SnapshotCount = written;
    }

    /// <summary>A mutable value as it is now: sequences and maps as bounded arrays, anything else as its text.</summary>
    private static object? Take(object? value, in ValueSnapshot.Limits limits)
    {
        if (IsImmutableValue(value))
        {
            return value;
        }

        return value is IEnumerable ? ValueSnapshot.Take(value, limits) : ValueSnapshot.SafeToString(value!, limits.MaxStringLength);
    }

    private static void SnapshotEnumerable<TState>(PendingEntry<TState> entry, IEnumerable<KeyValuePair<string, object?>> pairs, in ValueSnapshot.Limits limits)
    {
        var copied = new List<KeyValuePair<string, object?>>();
        try
        {
            foreach (var pair in pairs)
            {
                if (copied.Count == MaxValues)
                {
                    break;
                }

                copied.Add(new(pair.Key, pair.Key == OriginalFormatKey ? pair.Value : Take(pair.Value, limits)));
            }
        }
        catch (Exception ex)
        {
            // What was read before the failure is kept.
            entry.ReadError = ex.GetType().Name;
        }

        copied.CopyTo(entry.SnapshotBuffer(copied.Count));
        if (entry.RendersTemplate)
        {
            return;
        }

        entry.PreRendered = RenderNow(entry);
    }

    private static (string Key, object? Value, bool Ok) TryGet(IReadOnlyList<KeyValuePair<string, object?>> list, int index)
    {
        try
        {
            var pair = list[index];
            return (pair.Key, pair.Value, true);
        }
        catch (Exception)
        {
            return (string.Empty, null, false);
        }
    }

    private static string RenderNow<TState>(PendingEntry<TState> entry)
    {
        try
        {
            return entry.Formatter is { } formatter ? formatter(entry.State, entry.Exception) ?? string.Empty : entry.State?.ToString() ?? string.Empty;
        }
        catch (Exception ex)
        {
            return $"[message formatting failed: {ex.GetType().Name}]";
        }
    }
}
