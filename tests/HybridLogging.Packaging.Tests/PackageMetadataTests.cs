using System.Text.RegularExpressions;
using HybridLogging.Packaging.Tests.Kit;

namespace HybridLogging.Packaging.Tests;

/// <summary>What <c>dotnet pack</c> of the solution produces, checked for every package found under src/.</summary>
public sealed partial class PackageMetadataTests(PackedFeed feed, ITestOutputHelper output)
{
    public static TheoryData<string> PackageIds => [.. Repo.PackageIds];

    [Fact]
    public void Packing_the_solution_yields_one_package_per_src_project_and_nothing_else()
    {
        foreach (var package in feed.Packages.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            output.WriteLine($"{Path.GetFileName(package.Path),-50} {new FileInfo(package.Path).Length,9:N0} B   {Path.GetFileName(package.SymbolsPath),-50} {new FileInfo(package.SymbolsPath).Length,9:N0} B");
        }

        output.WriteLine($"pack: {feed.PackElapsed.TotalSeconds:0.0} s");
        // Tests, samples and benchmarks are never packable; a src project missing from the solution shows here too.
        Assert.Equal(Repo.PackageIds, feed.Packages.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_carries_its_id_version_description_license_tags_readme_and_repository(string id)
    {
        var package = feed.Packages[id];
        Assert.Equal(id, package.Id);
        Assert.Equal(Repo.VersionPrefix, package.Version);
        var description = PackedPackage.Text(package.Metadata, "description");
        Assert.True(description.Length > 20 && description != "Package Description", $"{id}: description '{description}'");
        Assert.Equal("HybridLogging contributors", PackedPackage.Text(package.Metadata, "authors"));

        var license = package.Element("license");
        Assert.NotNull(license);
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);

        var tags = PackedPackage.Text(package.Metadata, "tags").Split(' ');
        Assert.Contains("logging", tags);
        if (id != "HybridLogging")
        {
            Assert.Contains(id[(id.LastIndexOf('.') + 1)..].ToLowerInvariant(), tags);
        }

        Assert.Equal("README.md", PackedPackage.Text(package.Metadata, "readme"));
        Assert.Contains("README.md", package.Files);
        // nuget.org resolves no relative link: the packed README keeps the links' text only (src/Directory.Build.props).
        using (var zip = System.IO.Compression.ZipFile.OpenRead(package.Path))
        using (var reader = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            var packedReadme = reader.ReadToEnd();
            Assert.DoesNotMatch(@"\]\((?!https?:|#)[^)]*\)", packedReadme);
            Assert.True(packedReadme.Length > 500, $"{id}: packed README has {packedReadme.Length} characters");
        }

        var repository = package.Element("repository");
        Assert.NotNull(repository);
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");

        Assert.Contains($"lib/net10.0/{id}.dll", package.Files);
        Assert.Contains($"lib/net10.0/{id}.xml", package.Files);
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_depends_on_the_other_packages_at_the_same_version(string id)
    {
        var dependencies = feed.Packages[id].Metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        foreach (var dependency in dependencies.Where(d => feed.Packages.ContainsKey((string)d.Attribute("id")!)))
        {
            Assert.Equal(Repo.VersionPrefix, (string?)dependency.Attribute("version"));
        }

        if (id != "HybridLogging")
        {
            Assert.Contains(dependencies, d => (string?)d.Attribute("id") == "HybridLogging");
        }
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Symbol_package_holds_the_portable_pdb(string id)
    {
        var symbols = PackedPackage.Read(feed.Packages[id].SymbolsPath);
        Assert.Equal(Repo.VersionPrefix, symbols.Version);
        Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Files);
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_readme_links_to_its_sections_of_the_main_readme(string id)
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "src", id, "README.md"));
        var anchors = MainReadmeAnchors();
        var links = MainReadmeLink().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.True(links.Count > 0, $"src/{id}/README.md has no link to a section of the main README (../../README.md#section)");
        Assert.All(links, anchor => Assert.True(anchors.Contains(anchor), $"src/{id}/README.md links to #{anchor}, which is no heading of README.md"));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Entry_points_carry_an_example_in_the_packed_xml_documentation(string id)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(feed.Packages[id].Path);
        using var stream = zip.GetEntry($"lib/net10.0/{id}.xml")!.Open();
        var members = System.Xml.Linq.XDocument.Load(stream).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m.Element("example") is not null);

        // Registration methods (AddX on HybridLoggingOptions or ILoggingBuilder): at least one overload of each shows its use.
        var entryPoints = members.Keys
            .Where(name => RegistrationMethod().IsMatch(name))
            .GroupBy(name => name[..name.IndexOf('(', StringComparison.Ordinal)])
            .Select(overloads => (overloads.Key, Members: overloads.ToList()))
            .Concat(EntryPointTypes.Where(members.ContainsKey).Select(name => (Key: name, Members: new List<string> { name })));
        foreach (var (key, overloads) in entryPoints)
        {
            Assert.True(overloads.Any(name => members[name]), $"{id}: no <example> on {key}");
        }

        if (id == "HybridLogging")
        {
            Assert.All(EntryPointTypes, name => Assert.True(members.ContainsKey(name), $"{name} is not documented in the core package"));
        }
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Packed_assembly_is_marked_trimmable(string id)
    {
        // IsTrimmable (and IsAotCompatible, which implies it) stamp [assembly: AssemblyMetadata("IsTrimmable", "True")],
        // which the trimmer and NativeAOT read to analyse the assembly whole.
        using var zip = System.IO.Compression.ZipFile.OpenRead(feed.Packages[id].Path);
        using var dll = new MemoryStream();
        using (var entry = zip.GetEntry($"lib/net10.0/{id}.dll")!.Open())
        {
            entry.CopyTo(dll);
        }

        var metadata = AssemblyMetadata.Read(dll.ToArray());
        Assert.Equal("True", metadata.GetValueOrDefault("IsTrimmable"));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_tracks_its_public_api_in_shipped_and_unshipped_files(string id)
    {
        // PublicApiAnalyzers (src/Directory.Build.props) reads both files: every change of the surface is a visible diff.
        foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
        {
            var path = Path.Combine(Repo.Root, "src", id, file);
            Assert.True(File.Exists(path), $"{path} is missing");
            Assert.Equal("#nullable enable", File.ReadLines(path).FirstOrDefault()?.Trim());
        }
    }

    [Fact]
    public void No_nuget_config_in_the_repository_names_a_package_source_address()
    {
        var configs = Directory.EnumerateFiles(Repo.Root, "*.config", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path).Equals("nuget.config", StringComparison.OrdinalIgnoreCase))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.All(configs, path => Assert.DoesNotContain("://", File.ReadAllText(path), StringComparison.Ordinal));
    }

    /// <summary>The core's entry points that are not registration methods.</summary>
    private static readonly string[] EntryPointTypes = ["T:HybridLogging.HybridLoggerProvider", "T:HybridLogging.LogStreamManager", "M:HybridLogging.CorrelationContext.Begin(System.String,System.String,System.String,System.String,System.String)"];

    /// <summary>The anchors GitHub gives the main README's headings (lower case, punctuation dropped, spaces to '-').</summary>
    private static HashSet<string> MainReadmeAnchors() =>
        [.. File.ReadLines(Path.Combine(Repo.Root, "README.md"))
            .Where(line => line.StartsWith('#'))
            .Select(line => AnchorDropped().Replace(line.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    [GeneratedRegex(@"^M:[\w.]+\.Add\w+\((HybridLogging\.HybridLoggingOptions|Microsoft\.Extensions\.Logging\.ILoggingBuilder)\b")]
    private static partial Regex RegistrationMethod();

    [GeneratedRegex(@"\.\./\.\./README\.md#([a-z0-9\-_]+)")]
    private static partial Regex MainReadmeLink();

    [GeneratedRegex(@"[^a-z0-9 \-_]")]
    private static partial Regex AnchorDropped();
}
