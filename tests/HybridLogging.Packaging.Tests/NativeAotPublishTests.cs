using System.Diagnostics;
using HybridLogging.Packaging.Tests.Kit;

namespace HybridLogging.Packaging.Tests;

/// <summary>
/// An application installing every package from the packed feed is published with NativeAOT (trim and AOT warnings are
/// errors, every HybridLogging assembly rooted so all of its code is compiled and analysed), and the native binary logs
/// to a file declared in appsettings.json.
/// </summary>
public sealed class NativeAotPublishTests(PackedFeed feed, ITestOutputHelper output)
{
    private const int BulkEntries = 40_000;

    // Before the host starts: a standalone provider writes past the file sink's writeback threshold (4 MiB) twice.
    private static readonly string BulkFile = $$"""
        await using (var bulk = new HybridLoggerProvider(new HybridLoggingOptions { FullMode = QueueFullMode.Block }
            .AddFile("bulk", f => { f.Path = "logs/bulk.json"; f.MaxFileSizeBytes = 1L << 30; })))
        {
            var bulkLogger = bulk.CreateLogger("Bulk");
            var padding = new string('x', 200);
            for (var i = 0; i < {{BulkEntries}}; i++)
            {
                bulkLogger.LogInformation("Bulk {Index} {Padding}", i, padding);
            }

            await bulk.FlushAsync();
        }
        """;

    [Fact(Timeout = 480_000)]
    public async Task Native_aot_app_built_from_every_package_publishes_without_warnings_and_logs_to_its_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        using var app = feed.NewConsumer("AotConsumer");
        app.WriteRootedProject("AotConsumer", $"""
                <PublishAot>true</PublishAot>
                {NativeToolchain.Properties}
            """);
        app.Write("Program.cs", ConsumerApp.Program(ConsumerProject.FileFactoryRegistration + Environment.NewLine + BulkFile));
        app.Write("appsettings.json", ConsumerApp.Settings("""
            "files": { "Type": "File", "Path": "logs/aot.json" }
            """));

        var publish = await app.PublishAsync(TimeSpan.FromMinutes(7), ct);
        var binary = Path.Combine(app.Folder, "publish", "AotConsumer");
        Assert.True(File.Exists(binary), $"no native binary at {binary}:{Environment.NewLine}{publish.Output}");
        Assert.False(File.Exists(Path.Combine(app.Folder, "publish", "HybridLogging.dll")), "the publish output holds managed assemblies: not a NativeAOT build");

        // The working directory is the content root, where the host finds appsettings.json.
        var run = (await Dotnet.RunProgramAsync(binary, app.Folder, [], app.Environment, TimeSpan.FromMinutes(1), ct)).EnsureSuccess();
        output.WriteLine(run.Output);
        ConsumerApp.AssertLogged(ConsumerApp.ReadLines(Path.Combine(app.Folder, "logs", "aot.json")), "native file", app.Folder);

        // The file sink's early writeback is a P/Invoke of libc's sync_file_range: it must resolve in a native binary too
        // (when it does not, the sink reports it on the self-log, which the app writes to standard error).
        var bulk = Path.Combine(app.Folder, "logs", "bulk.json");
        Assert.Equal(BulkEntries, File.ReadLines(bulk).Count());
        Assert.True(new FileInfo(bulk).Length > 2 * 4 * 1024 * 1024, $"the bulk file is too small to start writeback twice: {new FileInfo(bulk).Length} bytes");
        Assert.DoesNotContain("writeback early is not available", run.Output, StringComparison.Ordinal);

        output.WriteLine(
            $"publish (restore, build, ILC, link) {publish.Elapsed.TotalSeconds:0.0} s, binary {new FileInfo(binary).Length / 1024.0 / 1024.0:0.0} MiB, " +
            $"run {run.Elapsed.TotalMilliseconds:0} ms, test {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
