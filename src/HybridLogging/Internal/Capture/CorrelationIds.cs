namespace HybridLogging.Internal;

/// <summary>
/// Generated correlation ids: random version-4 GUIDs drawn from <see cref="Random.Shared"/> (a per-thread xoshiro256**
/// seeded from the operating system's generator).
/// </summary>
/// <remarks>
/// Not <see cref="Guid.NewGuid"/>: on Linux it reads <c>/dev/urandom</c> with one system call per id, 1.4 µs on a
/// 2-core VM against 9 ns here, and a request's thread pays it once per <see cref="CorrelationContext.Begin"/>, which
/// was a quarter of the sample's cost per log call on the calling thread. A correlation id must be unique, not secret:
/// it is written into every log line, and 122 random bits keep collisions out of reach. Nothing may use it as a token
/// (the same choice as <c>ActivityTraceId.CreateRandom</c>, which also draws from a fast per-thread generator). The
/// facade's open correlations are the exception: their ids are handles looked up by callers, so they keep
/// <see cref="Guid.NewGuid"/>.
/// </remarks>
internal static class CorrelationIds
{
    public static Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (random), in the high nibble of the third group
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant (binary 10)
        return new Guid(bytes);
    }

    /// <summary>
    /// The text of a correlation id held as its text or as the <see cref="CorrelationContext"/> whose generated id it
    /// is (the context makes the text on first read and shares it): what entry views and records keep.
    /// </summary>
    public static string? Text(object? correlation) => correlation as string ?? (correlation as CorrelationContext)?.CorrelationId;
}
