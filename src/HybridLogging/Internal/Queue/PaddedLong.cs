using System.Runtime.InteropServices;

namespace HybridLogging.Internal;

/// <summary>A counter alone on its cache line, so producers and the consumer do not false-share.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [FieldOffset(64)]
    public long Value;
}
