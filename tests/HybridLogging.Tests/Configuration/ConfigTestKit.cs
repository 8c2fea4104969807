using System.Text.Json;

namespace HybridLogging.Tests.Configuration;

/// <summary>Helpers of the configuration tests: a temp folder, polling with a timeout, reading what a File destination wrote.</summary>
internal static class ConfigTestKit
{
    /// <summary>A file watcher reload usually lands within half a second; a loaded CI machine gets far more.</summary>
    public static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    public static DirectoryInfo TempFolder() => Directory.CreateTempSubdirectory("hl-config-");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ReloadTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The "Index" property of every line in every log file under <paramref name="folder"/> (lock files excluded), sorted.</summary>
    public static List<int> Indices(string folder)
    {
        var indices = new List<int>();
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal) || file.EndsWith(".lock.owner", StringComparison.Ordinal) || Path.GetFileName(file).StartsWith("appsettings", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                using var document = JsonDocument.Parse(line);
                indices.Add(document.RootElement.GetProperty("properties").GetProperty("Index").GetInt32());
            }
        }

        indices.Sort();
        return indices;
    }

    public static void Delete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A sink still closing its file; the temp folder is cleaned up by the OS later.
        }
    }
}
