using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

[assembly: AssemblyFixture(typeof(HybridLogging.Packaging.Tests.Kit.PackedFeed))]

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>
/// Packs the solution once for the whole test assembly (<c>dotnet pack HybridLogging.sln --no-build</c>: the project
/// references of this test project build every package first) into a temporary folder used as a local feed.
/// </summary>
/// <remarks>
/// Restores of the consumer projects go to an isolated packages folder, so a package of the same version packed earlier
/// is never served from a cache: it lives in the system temp folder (one per repository), survives between runs so
/// third-party packages (the NativeAOT compiler, about 50 MB) are downloaded once, and loses every HybridLogging package
/// at the start of each run. The machine's own packages folder is a read-only fallback, so third-party packages already
/// on the machine restore without the network.
/// </remarks>
public sealed class PackedFeed : IAsyncLifetime
{
#if DEBUG
    internal const string Configuration = "Debug";
#else
    internal const string Configuration = "Release";
#endif

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hybridlogging-feed-{Guid.NewGuid():N}");

    /// <summary>The local feed: every .nupkg and .snupkg of the solution.</summary>
    public string Folder => Path.Combine(_root, "feed");

    /// <summary>The packed packages, by id.</summary>
    public IReadOnlyDictionary<string, PackedPackage> Packages { get; private set; } = new Dictionary<string, PackedPackage>();

    /// <summary>The packages folder that consumer restores extract into (see the remarks).</summary>
    public static string IsolatedPackagesFolder { get; } = Path.Combine(
        Path.GetTempPath(),
        "hybridlogging-packaging-tests",
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Repo.Root)))[..12],
        "packages");

    /// <summary>The machine's global packages folder, used read-only as a fallback folder.</summary>
    public static string MachinePackagesFolder { get; } =
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>How long the pack took.</summary>
    public TimeSpan PackElapsed { get; private set; }

    /// <summary>The pack command's output.</summary>
    public string PackOutput { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var clock = Stopwatch.StartNew();
        var pack = await Dotnet.RunAsync(
            Repo.Root,
            ["pack", "HybridLogging.sln", "-c", Configuration, "--no-build", "-o", Folder, "--disable-build-servers", "-nologo"],
            null,
            TimeSpan.FromMinutes(3),
            CancellationToken.None);
        PackElapsed = clock.Elapsed;
        PackOutput = pack.Output;
        pack.EnsureSuccess();

        Packages = Directory.GetFiles(Folder, "*.nupkg")
            .Select(PackedPackage.Read)
            .ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);

        Directory.CreateDirectory(IsolatedPackagesFolder);
        foreach (var stale in Directory.GetDirectories(IsolatedPackagesFolder, "hybridlogging*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        // A fallback folder wins over every source: a HybridLogging package of this version on the machine would be
        // used instead of the feed's, and the test would check the wrong bits.
        foreach (var id in Packages.Keys)
        {
            var stale = Path.Combine(MachinePackagesFolder, id.ToLowerInvariant(), Repo.VersionPrefix);
            if (Directory.Exists(stale))
            {
                throw new InvalidOperationException(
                    $"{stale} exists: a HybridLogging package restored into the machine's packages folder would shadow the packed one. Delete it.");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by an ending child process: the folder is in the temp directory, left for the OS.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh, empty project folder outside the repository whose restores use this feed (see <see cref="ConsumerProject"/>).</summary>
    internal ConsumerProject NewConsumer(string name) => new(Path.Combine(_root, "consumers", name), this);
}

/// <summary>One .nupkg of the feed and what its manifest says.</summary>
public sealed record PackedPackage(string Id, string Version, string Path, XElement Metadata, IReadOnlyList<string> Files)
{
    public static PackedPackage Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return new PackedPackage(
            Text(metadata, "id"),
            Text(metadata, "version"),
            path,
            metadata,
            [.. zip.Entries.Select(e => e.FullName)]);
    }

    /// <summary>A metadata element's text, or empty.</summary>
    public static string Text(XElement metadata, string name) =>
        metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    public XElement? Element(string name) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public string SymbolsPath => System.IO.Path.ChangeExtension(Path, ".snupkg");
}
