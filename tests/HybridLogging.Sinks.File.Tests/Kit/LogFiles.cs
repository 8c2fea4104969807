using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>Reads what a sink left on disk.</summary>
internal static class LogFiles
{
    /// <summary>Every log file in the folder (lock files and their owner records excluded), oldest rolled first, the active file last.</summary>
    public static string[] List(string folder, string activeName = "log.json") =>
        [.. Directory.GetFiles(folder)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".lock.owner", StringComparison.Ordinal))
            .OrderBy(f => System.IO.Path.GetFileName(f) == activeName ? 1 : 0)
            .ThenBy(f => RolledKey(f), StringComparer.Ordinal)];

    public static string ReadText(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true));
        return reader.ReadToEnd();
    }

    /// <summary>The lines of a file; asserts the file ends with a newline (no line is cut).</summary>
    public static string[] ReadLines(string path)
    {
        var text = ReadText(path);
        if (text.Length == 0)
        {
            return [];
        }

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }

    /// <summary>Parses every line as JSON (fails the test on any invalid line) and returns the "Index" property of each.</summary>
    public static List<int> ReadIndices(string path)
    {
        var indices = new List<int>();
        foreach (var line in ReadLines(path))
        {
            using var document = JsonDocument.Parse(line);
            indices.Add(document.RootElement.GetProperty("properties").GetProperty("Index").GetInt32());
        }

        return indices;
    }

    // "log.20260101T101500Z.12.json[.gz]": order by stamp, then numeric sequence.
    private static string RolledKey(string path)
    {
        var parts = System.IO.Path.GetFileName(path).Split('.');
        return parts.Length >= 4 && int.TryParse(parts[2], out var sequence) ? $"{parts[1]}.{sequence:D9}" : System.IO.Path.GetFileName(path);
    }
}
