using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace QuickStart.Tests;

/// <summary>
/// The README's Quick start is <c>samples/QuickStart</c>: its code blocks are the sample's files (so the README compiles
/// as written, since the sample builds), and running the sample with its settings writes each entry once per destination.
/// </summary>
public sealed class QuickStartTests : IDisposable
{
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("quickstart-").FullName;

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "HybridLogging.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("HybridLogging.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string SampleFolder => Path.Combine(RepositoryRoot, "samples", "QuickStart");

    private static string SampleOutput => typeof(QuickStartTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "QuickStartOutput").Value!;

    public void Dispose() => Directory.Delete(_workDirectory, recursive: true);

    [Fact]
    public void Readme_quick_start_code_is_the_sample_program()
    {
        var blocks = QuickStartBlocks("csharp");

        Assert.Equal(Normalize(File.ReadAllText(Path.Combine(SampleFolder, "Program.cs"))), Assert.Single(blocks));
    }

    [Fact]
    public void Readme_quick_start_settings_are_the_sample_appsettings()
    {
        var blocks = QuickStartBlocks("json");

        Assert.Equal(Normalize(File.ReadAllText(Path.Combine(SampleFolder, "appsettings.json"))), Assert.Single(blocks));
    }

    [Fact]
    public async Task Quick_start_writes_its_entry_once_to_the_console_and_once_to_the_file()
    {
        // The sample's own settings, in a folder of its own (content root and relative log path are the current folder).
        File.Copy(Path.Combine(SampleFolder, "appsettings.json"), Path.Combine(_workDirectory, "appsettings.json"));

        var (exitCode, stdout, stderr) = await RunSampleAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        var consoleLines = Lines(stdout);
        var fileLines = Lines(await File.ReadAllTextAsync(Path.Combine(_workDirectory, "logs", "app.json"), TestContext.Current.CancellationToken));
        foreach (var lines in new[] { consoleLines, fileLines })
        {
            // Redirected, the console sink writes JSON lines: exactly one entry, with the correlation fields and metadata.
            var entry = Assert.Single(lines);
            using var json = JsonDocument.Parse(entry);
            var root = json.RootElement;
            Assert.Equal("Routed to bedrock in 118.4 ms", root.GetProperty("message").GetString());
            Assert.Equal("INFO", root.GetProperty("level").GetString());
            Assert.Equal("req-42", root.GetProperty("requestId").GetString());
            Assert.Equal("user-7", root.GetProperty("userId").GetString());
            Assert.Equal("session-1", root.GetProperty("sessionId").GetString());
            Assert.Equal("bedrock", root.GetProperty("routing").GetProperty("provider").GetString());
            Assert.Equal(118.4, root.GetProperty("performance").GetProperty("latency").GetDouble());
            Assert.Equal("my-service", root.GetProperty("metadata").GetProperty("service").GetString());
        }

        Assert.Equal(consoleLines, fileLines);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").Trim();

    /// <summary>The fenced blocks of one language between "## Quick start" and the next "## " heading.</summary>
    private static List<string> QuickStartBlocks(string language)
    {
        var readme = Normalize(File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")));
        var start = readme.IndexOf("\n## Quick start\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Quick start' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var blocks = new List<string>();
        var fence = "\n```" + language + "\n";
        for (var at = section.IndexOf(fence, StringComparison.Ordinal); at >= 0; at = section.IndexOf(fence, at + 1, StringComparison.Ordinal))
        {
            var bodyStart = at + fence.Length;
            var bodyEnd = section.IndexOf("\n```", bodyStart, StringComparison.Ordinal);
            blocks.Add(section[bodyStart..bodyEnd].Trim());
        }

        return blocks;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunSampleAsync()
    {
        // The host that runs the tests (set by dotnet test), else the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = _workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(SampleOutput, "QuickStart.dll"));
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
