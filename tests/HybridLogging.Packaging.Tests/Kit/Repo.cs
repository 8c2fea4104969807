using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>The repository this test assembly was built from: its root, its packages and its shared build settings.</summary>
internal static partial class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every package project: <c>src/*/*.csproj</c> (src/Shared holds linked source, not a project).</summary>
    public static IReadOnlyList<string> PackageProjects { get; } =
        [.. Directory.GetDirectories(Path.Combine(Root, "src"))
            .SelectMany(folder => Directory.GetFiles(folder, "*.csproj"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Package ids by convention: the project's file name (the folder is named after the package).</summary>
    public static IReadOnlyList<string> PackageIds { get; } =
        [.. PackageProjects.Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal)];

    /// <summary>The one version number, <c>VersionPrefix</c> in the root Directory.Build.props.</summary>
    public static string VersionPrefix { get; } =
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value.Trim();

    /// <summary>The central version of a package in Directory.Packages.props, with <c>$(Property)</c> references resolved.</summary>
    public static string CentralVersion(string packageId)
    {
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        var version = props.Descendants("PackageVersion")
            .Single(e => string.Equals((string?)e.Attribute("Include"), packageId, StringComparison.OrdinalIgnoreCase))
            .Attribute("Version")!.Value;
        return PropertyReference().Replace(version, m => props.Descendants(m.Groups[1].Value).Single().Value.Trim());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HybridLogging.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"HybridLogging.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex PropertyReference();
}
