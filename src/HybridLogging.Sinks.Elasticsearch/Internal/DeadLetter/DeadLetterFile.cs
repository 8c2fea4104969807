using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HybridLogging.Sinks.Elasticsearch.Internal.DeadLetter;

/// <summary>
/// Appends documents Elasticsearch refused for good to a JSON-lines file: when, the target and id, the status, the
/// reason code, the server's error text and the document itself, so they can be fixed and replayed. Writing here never
/// throws into the sink: a failure is reported on the self-log (the records are failed and counted either way).
/// </summary>
internal sealed class DeadLetterFile
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _path;
    private readonly string _sinkName;
    // One lock per file for the whole process: several destinations share the default path, and two appending streams
    // would each write at their own idea of the end of the file.
    private static readonly ConcurrentDictionary<string, Lock> Locks = new(StringComparer.Ordinal);
    private readonly Lock _lock;
    private long _lastReportTicks;

    public DeadLetterFile(string path, string sinkName)
    {
        _path = Path.GetFullPath(path);
        _sinkName = sinkName;
        _lock = Locks.GetOrAdd(_path, static _ => new Lock());
    }

    public string FullPath => _path;

    /// <summary>Appends one line per letter and flushes the file.</summary>
    public void Append(IReadOnlyList<DeadLetter> letters)
    {
        if (letters.Count == 0)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            foreach (var letter in letters)
            {
                WriteLetter(writer, letter);
                writer.Flush();
                writer.Reset(buffer);
                buffer.Write("\n"u8);
            }
        }

        try
        {
            lock (_lock)
            {
                // Opened per append: refusals are rare, and no handle is held between them (the file can be moved away).
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
                using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.Write(buffer.WrittenSpan);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Rate-limited: a full disk would otherwise report once per refused document.
            var now = Environment.TickCount64;
            if (now - Interlocked.Read(ref _lastReportTicks) > 60_000)
            {
                Interlocked.Exchange(ref _lastReportTicks, now);
                HybridSelfLog.Report($"Elasticsearch sink '{_sinkName}': could not write {letters.Count} refused documents to the dead-letter file '{_path}': {ex.Message}");
            }
        }
    }

    private static void WriteLetter(Utf8JsonWriter writer, DeadLetter letter)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp", DateTime.UtcNow);
        writer.WriteString("index", letter.Target);
        writer.WriteString("id", letter.Id);
        writer.WriteNumber("status", letter.Status);
        writer.WriteString("reason", letter.Reason);
        writer.WriteString("error", letter.Error);
        writer.WritePropertyName("document");
        var document = letter.Document.Span.TrimEnd("\n"u8);
        try
        {
            writer.WriteRawValue(document, skipInputValidation: false);
        }
        catch (JsonException)
        {
            // A record that is not JSON (from a wrapping sink) is kept as text rather than lost.
            writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(document));
        }

        writer.WriteEndObject();
    }
}

/// <summary>One refused document and why.</summary>
internal readonly record struct DeadLetter(string Target, string Id, int Status, string Reason, string Error, ReadOnlyMemory<byte> Document);
