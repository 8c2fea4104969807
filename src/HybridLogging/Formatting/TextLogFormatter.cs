using System.Buffers;
using System.Globalization;
using System.Text;

namespace HybridLogging.Formatting;

/// <summary>
/// Human-readable text: <c>2026-01-01T10:00:00.000Z INFO  [HybridRouter] message {correlationId=…}</c>, then the error
/// on following lines. Control characters in values are escaped so one entry never forges another line.
/// </summary>
public sealed class TextLogFormatter : LogEntryFormatter
{
    [ThreadStatic]
    private static StringBuilder? _sharedBuilder;

    /// <summary>Whether to add ANSI colours to the level (console on a terminal). Default false.</summary>
    public bool UseColors { get; init; }

    /// <summary>Key <c>text</c>, or <c>text+ansi</c> with colours.</summary>
    public override string Key => UseColors ? "text+ansi" : "text";

    /// <inheritdoc />
    public override void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(output);
        var b = (_sharedBuilder ??= new StringBuilder(256)).Clear();
        Span<char> stamp = stackalloc char[24];
        new DateTime(entry.TimestampTicks, DateTimeKind.Utc).TryFormat(stamp, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        b.Append(stamp[..written]).Append(' ');
        var level = LogLevelNames.Get(entry.Level);
        if (UseColors)
        {
            b.Append(Color(entry.Level)).Append(level.PadRight(8)).Append("\u001b[0m");
        }
        else
        {
            b.Append(level.PadRight(8));
        }

        // The source comes from the category name (or a directly written entry): escape it like any value, or a
        // category containing a newline forges a second log line.
        b.Append('[');
        AppendEscaped(b, entry.Source);
        b.Append("] ");
        AppendEscaped(b, entry.Message);
        var first = true;
        Field(b, "correlationId", entry.CorrelationId, ref first);
        Field(b, "requestId", entry.RequestId, ref first);
        Field(b, "userId", entry.UserId, ref first);
        Field(b, "operationType", entry.OperationType, ref first);
        Field(b, "duration", entry.DurationMs is { } d ? d.ToString("0.###", CultureInfo.InvariantCulture) + "ms" : null, ref first);
        Field(b, "provider", entry.Provider, ref first);
        Field(b, "fallback", entry.Fallback, ref first);
        if (!first)
        {
            b.Append('}');
        }

        b.Append('\n');
        for (var error = entry.Error; error is not null; error = error.InnerErrors.Count > 0 ? error.InnerErrors[0] : null)
        {
            b.Append("  ").Append(error.Type).Append(": ");
            AppendEscaped(b, error.Message);
            b.Append('\n');
            if (error.StackTrace is { } stack)
            {
                foreach (var line in stack.Split('\n'))
                {
                    b.Append("    ");
                    AppendEscaped(b, line.TrimEnd('\r'));
                    b.Append('\n');
                }
            }
        }

        foreach (var chunk in b.GetChunks())
        {
            var span = chunk.Span;
            var bytes = output.GetSpan(Encoding.UTF8.GetMaxByteCount(span.Length));
            var count = Encoding.UTF8.GetBytes(span, bytes);
            output.Advance(count);
        }
    }

    private static void Field(StringBuilder b, string name, string? value, ref bool first)
    {
        if (value is null)
        {
            return;
        }

        b.Append(first ? " {" : ", ").Append(name).Append('=');
        AppendEscaped(b, value);
        first = false;
    }

    private static void AppendEscaped(StringBuilder b, scoped ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7F)
            {
                switch (c)
                {
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default: b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                }
            }
            else
            {
                b.Append(c);
            }
        }
    }

    private static string Color(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug => "\u001b[90m",
        Microsoft.Extensions.Logging.LogLevel.Information => "\u001b[32m",
        Microsoft.Extensions.Logging.LogLevel.Warning => "\u001b[33m",
        Microsoft.Extensions.Logging.LogLevel.Error => "\u001b[31m",
        Microsoft.Extensions.Logging.LogLevel.Critical => "\u001b[1;41;97m",
        _ => string.Empty,
    };
}
