using System.Runtime.InteropServices;

namespace HybridLogging.Internal;

/// <summary>
/// <see cref="MemoryExtensions.IndexOfAnyInRange{T}(ReadOnlySpan{T}, T, T)"/> for text, without its allocation: the
/// <see cref="char"/> overloads of the range searches allocate 96 B a call on .NET 10.0.12 (measured; the same search over
/// the text's UTF-16 code units as <see cref="ushort"/> allocates nothing and is vectorized the same way). The sanitizer
/// runs it on every string value an entry carries.
/// </summary>
internal static class CharRange
{
    public static int IndexOfAny(ReadOnlySpan<char> text, char low, char high) =>
        MemoryMarshal.Cast<char, ushort>(text).IndexOfAnyInRange(low, high);
}
