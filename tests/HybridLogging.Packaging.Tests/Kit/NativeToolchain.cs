using System.Runtime.InteropServices;

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>What NativeAOT needs from the machine: the runtime identifier and a clang to compile and link with.</summary>
internal static class NativeToolchain
{
    public static string RuntimeIdentifier { get; } = RuntimeInformation.RuntimeIdentifier;

    /// <summary>
    /// MSBuild properties for the publish: NativeAOT calls <c>clang</c>; where only a versioned one is installed
    /// (Debian's clang-14), that one is named explicitly.
    /// </summary>
    public static string Properties { get; } = FindClang() is { } clang ? $"<CppCompilerAndLinker>{clang}</CppCompilerAndLinker>" : "";

    private static string? FindClang()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (path.Any(dir => File.Exists(Path.Combine(dir, "clang"))))
        {
            return null;
        }

        return path
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.GetFiles(dir, "clang-*"))
            .Select(Path.GetFileName)
            .Where(name => name is not null && int.TryParse(name.AsSpan("clang-".Length), out _))
            .OrderByDescending(name => int.Parse(name!.AsSpan("clang-".Length), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
    }
}
