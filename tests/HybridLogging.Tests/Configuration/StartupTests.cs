using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Configuration;

/// <summary>
/// A destination declared in configuration that cannot start fails start-up with a clear exception, like the same
/// sink added in code; opted in to tolerance, it stays in the stats, counts its entries as failed and keeps trying.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly DirectoryInfo _folder = ConfigTestKit.TempFolder();

    public void Dispose() => ConfigTestKit.Delete(_folder);

    private static string Settings(string type, string path, string? startupFailure = null)
    {
        var sink = new Dictionary<string, object> { ["Type"] = type, ["Path"] = path, ["FlushInterval"] = "00:00:00.050", ["MaxRetries"] = 0, ["RetryBaseDelay"] = "00:00:00.050" };
        if (startupFailure is not null)
        {
            sink["StartupFailure"] = startupFailure;
        }

        return AppSettingsApp.Json(new Dictionary<string, object> { ["Sinks"] = new Dictionary<string, object> { ["files"] = sink } });
    }

    private Exception StartFails(string json)
    {
        var ex = Record.Exception(() =>
        {
            var app = AppSettingsApp.Start(_folder.FullName, json);
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        Assert.NotNull(ex);
        return ex;
    }

    [Fact]
    public void Configured_file_destination_whose_path_is_a_directory_fails_startup()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_folder.FullName, "a-directory"));
        var ex = StartFails(Settings("File", directory.FullName));
        Assert.Contains("'files'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_file_destination_in_a_directory_that_cannot_be_created_fails_startup()
    {
        // The tests may run as root, so "unwritable" is a parent path that is a file.
        var file = Path.Combine(_folder.FullName, "not-a-directory");
        File.WriteAllText(file, "x");
        var ex = StartFails(Settings("File", Path.Combine(file, "log.json")));
        Assert.Contains("'files'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_destination_of_unknown_type_fails_startup()
    {
        var ex = StartFails(Settings("Foo", Path.Combine(_folder.FullName, "log.json")));
        Assert.Contains("'files'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Foo'", ex.Message, StringComparison.Ordinal);

        // The remedy, for an app that lacks the package and for a trimmed one that cannot find it by name.
        Assert.Contains("Add the package HybridLogging.Sinks.Foo", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NativeAOT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ILogSinkFactory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_file_destination_whose_lock_is_held_elsewhere_fails_startup()
    {
        var path = Path.Combine(_folder.FullName, "log.json");

        // An exclusive OS lock on the lock file from another open file description: to the sink this is exactly
        // another process holding it (flock on Unix, a sharing violation on Windows).
        using var held = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var ex = StartFails(Settings("File", path));
        Assert.Contains("'files'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tolerance_does_not_excuse_an_unknown_type()
    {
        var ex = StartFails(Settings("Foo", Path.Combine(_folder.FullName, "log.json"), startupFailure: "Tolerate"));
        Assert.Contains("'Foo'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_stream_destination_that_cannot_open_fails_startup()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_folder.FullName, "a-directory"));
        var json = AppSettingsApp.Json(new Dictionary<string, object>
        {
            ["Streams"] = new Dictionary<string, object>
            {
                ["archive"] = new { Destinations = new[] { new { Id = "file", Type = "File", Settings = new { Path = directory.FullName } } } },
            },
        });
        var ex = StartFails(json);
        Assert.Contains("'archive'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tolerated_unavailable_destination_counts_entries_as_failed_and_opens_once_it_can()
    {
        var blocker = Path.Combine(_folder.FullName, "logs");
        File.WriteAllText(blocker, "a file where the log directory should be");
        await using var app = AppSettingsApp.Start(_folder.FullName, Settings("File", Path.Combine(blocker, "log.json"), startupFailure: "Tolerate"));
        var logger = app.Logger();
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("Order {Index}", i);
        }

        await app.FlushAsync();
        var stats = app.Sink("files");
        Assert.NotNull(stats);
        Assert.Equal(5, stats.Received);
        Assert.Equal(5, stats.Failed);
        Assert.NotNull(stats.LastError);

        File.Delete(blocker);
        var next = 5;
        await ConfigTestKit.UntilAsync(
            () =>
            {
                logger.LogInformation("Order {Index}", next++);
                app.FlushAsync().GetAwaiter().GetResult();
                return app.Sink("files")!.Written > 0;
            },
            "the destination to open once its directory can be created");
        var final = app.Sink("files")!;
        Assert.Equal(final.Received, final.Written + final.Failed + final.Dropped);
        Assert.Equal(final.Written, ConfigTestKit.Indices(_folder.FullName).Count);
    }
}
