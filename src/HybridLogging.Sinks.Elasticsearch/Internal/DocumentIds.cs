using System.Globalization;

namespace HybridLogging.Sinks.Elasticsearch.Internal;

/// <summary>
/// Deterministic document ids: a prefix unique to this sink instance (process id, start time, instance number) plus the
/// record's <see cref="LogRecord.Sequence"/>, which is the same on every retry. A retry after a lost response thus
/// carries the same <c>_id</c>, and Elasticsearch answers 409 (create) or overwrites (index) instead of duplicating.
/// </summary>
internal sealed class DocumentIds
{
    private static int _instances;
    private readonly string _prefix;

    public DocumentIds()
    {
        var instance = Interlocked.Increment(ref _instances);
        _prefix = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessId:x}-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x}-{instance:x}-");
    }

    public string Prefix => _prefix;

    /// <summary>Longest id in characters.</summary>
    public int MaxLength => _prefix.Length + 16;

    /// <summary>Writes the id of the record with <paramref name="sequence"/> into <paramref name="destination"/>.</summary>
    public int Format(long sequence, Span<char> destination)
    {
        _prefix.AsSpan().CopyTo(destination);
        ((ulong)sequence).TryFormat(destination[_prefix.Length..], out var written, "x", CultureInfo.InvariantCulture);
        return _prefix.Length + written;
    }

    public string For(long sequence)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return new string(buffer[..Format(sequence, buffer)]);
    }
}
