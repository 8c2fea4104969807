using System.Runtime.CompilerServices;

namespace HybridLogging.Internal;

/// <summary>
/// The immutable parts of a <see cref="LogEntry"/> built from a view that an entry built lately already holds: the
/// message string and the <see cref="RoutingInfo"/>. Thread-safe without a lock
/// (<see cref="RecentSlots{T}"/>): entries are built on the dispatcher (entry sinks), on each subscriber's reader and in
/// queries.
/// </summary>
/// <remarks>
/// A service logs the same text again and again ("Circuit for bedrock closed", a routing decision with the same
/// provider and reason), and a live subscriber or an entry sink gets a new entry for each. The entry's own object has
/// to be new; its message string (about 180 B for the sample's messages) and its routing object need not be. Measured
/// figures (<see cref="PerformanceInfo"/>) are not shared: a real latency rarely repeats to the bit. In the peers
/// benchmark's full configuration the subscriber's reader allocated about 500 B per entry read, was the thread that
/// triggered most collections, and spent most of its time in them. Every part is checked in full before it is shared
/// (the whole text, each reference), so a hash collision costs a new string, never a wrong one.
/// </remarks>
internal static class SharedEntryParts
{
    /// <summary>Longer messages are not kept: they repeat less, and a table slot must not hold much memory.</summary>
    public const int MaxSharedMessageLength = 512;

    private static readonly RecentSlots<string> Messages = new(256);
    private static readonly RecentSlots<RoutingInfo> Routings = new(32);

    /// <summary>A string with the text: one made lately for the same text when there is one.</summary>
    public static string Message(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        if (text.Length > MaxSharedMessageLength)
        {
            return new string(text);
        }

        var hash = CheapHash(text);
        if (Messages.Get(hash) is { } recent && text.SequenceEqual(recent))
        {
            return recent;
        }

        var made = new string(text);
        Messages.Set(hash, made);
        return made;
    }

    /// <summary>A routing object with these values: one made lately for the same strings when there is one.</summary>
    public static RoutingInfo Routing(string? provider, string? fallback, string? reason)
    {
        // The view's strings come from the values' normalisation, which hands out the same instance for a value a call
        // site passes again, so identity is both the cheap hash and an exact check.
        var hash = HashCode.Combine(RuntimeHelpers.GetHashCode(provider), RuntimeHelpers.GetHashCode(fallback), RuntimeHelpers.GetHashCode(reason));
        if (Routings.Get(hash) is { } recent &&
            ReferenceEquals(recent.Provider, provider) && ReferenceEquals(recent.Fallback, fallback) && ReferenceEquals(recent.Reason, reason))
        {
            return recent;
        }

        var made = new RoutingInfo { Provider = provider, Fallback = fallback, Reason = reason };
        Routings.Set(hash, made);
        return made;
    }

    // A fixed-cost hash of the length and five sampled stretches: hashing every character would cost a message that
    // never repeats (one with a request id in it) as much as a hit saves. Texts that differ only between the samples
    // share a slot and replace each other there, which costs only the sharing.
    private static int CheapHash(ReadOnlySpan<char> text)
    {
        var n = text.Length;
        var hash = new HashCode();
        hash.Add(n);
        hash.Add(Stretch(text, 0));
        hash.Add(Stretch(text, n / 4));
        hash.Add(Stretch(text, n / 2));
        hash.Add(Stretch(text, (3 * n) / 4));
        hash.Add(Stretch(text, Math.Max(0, n - 4)));
        return hash.ToHashCode();
    }

    // Up to four characters from start, packed into one number.
    private static ulong Stretch(ReadOnlySpan<char> text, int start)
    {
        var value = 0UL;
        var end = Math.Min(text.Length, start + 4);
        for (var i = start; i < end; i++)
        {
            value = (value << 16) | text[i];
        }

        return value;
    }
}
