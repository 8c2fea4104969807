using System.Security;

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>
/// A new application outside the repository that installs packages from the <see cref="PackedFeed"/> folder by version,
/// as a user would after <c>dotnet add package</c>. Its <c>nuget.config</c> adds the feed to the machine's default
/// sources (nothing is cleared, no address is named), extracts into the isolated packages folder, and falls back to
/// the machine's packages folder for third-party packages.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private readonly PackedFeed _feed;

    public ConsumerProject(string folder, PackedFeed feed)
    {
        _feed = feed;
        Folder = folder;
        Directory.CreateDirectory(folder);
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="hybridlogging-local" value="{SecurityElement.Escape(feed.Folder)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{SecurityElement.Escape(PackedFeed.MachinePackagesFolder)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    public string Folder { get; }

    /// <summary>The child processes' environment: the isolated packages folder (it overrides any inherited one).</summary>
    public Dictionary<string, string?> Environment { get; } = new() { ["NUGET_PACKAGES"] = PackedFeed.IsolatedPackagesFolder };

    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>A project file for an executable referencing <paramref name="packageIds"/> at the feed's version.</summary>
    public void WriteProject(string name, IEnumerable<string> packageIds, string extraProperties = "", string extraItems = "")
    {
        var references = string.Join(
            System.Environment.NewLine,
            packageIds.Select(id => $"""    <PackageReference Include="{id}" Version="{_feed.Packages[id].Version}" />"""));
        Write($"{name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
            {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="{Repo.CentralVersion("Microsoft.Extensions.Hosting")}" />
            {references}
            {extraItems}
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>Registers the File sink's factory in code, as trimmed and NativeAOT apps must (README).</summary>
    public const string FileFactoryRegistration =
        "builder.Services.AddSingleton<HybridLogging.ILogSinkFactory, HybridLogging.FileSinkFactory>();";

    /// <summary>
    /// A project file for an app published by the trimmer (<paramref name="publishProperties"/> say which way) that
    /// references every package of the feed and roots each, so all of their code is analysed, not only what this app
    /// reaches; one warning per problem (a failure names the member), and warnings are errors.
    /// </summary>
    public void WriteRootedProject(string name, string publishProperties)
    {
        var ids = _feed.Packages.Keys.Order(StringComparer.Ordinal).ToList();
        var roots = string.Join(System.Environment.NewLine, ids.Select(id => $"""    <TrimmerRootAssembly Include="{id}" />"""));
        WriteProject(name, ids, $"""
            {publishProperties}
                <InvariantGlobalization>true</InvariantGlobalization>
                <TrimmerSingleWarn>false</TrimmerSingleWarn>
            """, roots);
    }

    /// <summary><c>dotnet publish</c> for this machine's runtime identifier into <c>publish</c>; fails the test if it fails.</summary>
    public async Task<ProcessResult> PublishAsync(TimeSpan timeout, CancellationToken ct) =>
        (await DotnetAsync(["publish", "-c", "Release", "-r", NativeToolchain.RuntimeIdentifier, "-o", "publish", "--disable-build-servers"], timeout, ct))
            .EnsureSuccess();

    public Task<ProcessResult> DotnetAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct) =>
        Dotnet.RunAsync(Folder, arguments, Environment, timeout, ct);

    /// <summary>Where a restored package was extracted from, per NuGet's <c>.nupkg.metadata</c> (null: not extracted into the isolated folder).</summary>
    public static string? RestoredFrom(PackedPackage package)
    {
        var metadata = Path.Combine(PackedFeed.IsolatedPackagesFolder, package.Id.ToLowerInvariant(), package.Version.ToLowerInvariant(), ".nupkg.metadata");
        if (!File.Exists(metadata))
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(metadata));
        return json.RootElement.GetProperty("source").GetString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; the feed fixture removes its whole tree at the end.
        }
    }
}
