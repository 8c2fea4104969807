using System.Buffers;

namespace HybridLogging.Formatting;

/// <summary>Writes one entry as one line of UTF-8 (ending with a newline). Instances are not thread-safe: one per sink.</summary>
public interface ILogFormatter
{
    /// <summary>Writes <paramref name="entry"/> and a trailing newline. Never throws for any entry content.</summary>
    void Write(LogEntry entry, IBufferWriter<byte> output);
}
