using System.Globalization;
using System.Text.RegularExpressions;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// Names of a sink's rolled files: <c>{stem}.{yyyyMMdd'T'HHmmss'Z'}.{sequence}{extension}[.gz]</c>, where the timestamp
/// is the start of the file (truncated to the rolling interval) and the sequence orders files with the same timestamp.
/// Ordering by (timestamp, sequence) is chronological, so retention never needs file system times.
/// </summary>
internal sealed class RolledFileNames
{
    private const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string GzipExtension = ".gz";
    private readonly Regex _pattern;

    public RolledFileNames(string activePath)
    {
        ActivePath = activePath;
        Directory = System.IO.Path.GetDirectoryName(activePath) ?? ".";
        var fileName = System.IO.Path.GetFileName(activePath);
        Extension = System.IO.Path.GetExtension(fileName);
        Stem = fileName[..^Extension.Length];
        _pattern = new Regex(
            "^" + Regex.Escape(Stem) + @"\.(?<stamp>\d{8}T\d{6}Z)\.(?<seq>\d{1,9})" + Regex.Escape(Extension) + "(?<gz>" + Regex.Escape(GzipExtension) + ")?$",
            RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? RegexOptions.IgnoreCase : RegexOptions.None));
    }

    public string ActivePath { get; }

    public string Directory { get; }

    public string Stem { get; }

    public string Extension { get; }

    /// <summary>Returns an unused path for the file that started at <paramref name="stamp"/>, ordered after every existing one.</summary>
    public string NextRolledPath(DateTimeOffset stamp)
    {
        var text = stamp.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
        var next = 1;
        foreach (var file in List())
        {
            if (file.Stamp == text && file.Sequence >= next)
            {
                next = file.Sequence + 1;
            }
        }

        return System.IO.Path.Combine(Directory, $"{Stem}.{text}.{next.ToString(CultureInfo.InvariantCulture)}{Extension}");
    }

    /// <summary>This sink's rolled files (compressed or not), newest first.</summary>
    public List<RolledFile> List()
    {
        var files = new List<RolledFile>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return files;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, Stem.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" : Stem + ".*"))
        {
            var match = _pattern.Match(System.IO.Path.GetFileName(path));
            if (match.Success && int.TryParse(match.Groups["seq"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                files.Add(new RolledFile(path, match.Groups["stamp"].Value, sequence, match.Groups["gz"].Success));
            }
        }

        files.Sort(static (a, b) =>
        {
            var byStamp = string.CompareOrdinal(b.Stamp, a.Stamp);
            return byStamp != 0 ? byStamp : b.Sequence.CompareTo(a.Sequence);
        });
        return files;
    }

    public static string CompressedPath(string path) => path + GzipExtension;
}

/// <summary>A rolled file of a sink.</summary>
internal sealed record RolledFile(string Path, string Stamp, int Sequence, bool Compressed);
