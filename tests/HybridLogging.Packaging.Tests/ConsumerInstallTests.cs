using System.Diagnostics;
using HybridLogging.Packaging.Tests.Kit;
using HybridLogging.Tests.Shared;

namespace HybridLogging.Packaging.Tests;

/// <summary>
/// A new application outside the repository installs HybridLogging, HybridLogging.Sinks.File and
/// HybridLogging.Sinks.Kinesis by version from the packed feed, configures both destinations in appsettings.json, and
/// logs; the file and the stream (kinesalite) hold exactly what it logged.
/// </summary>
public sealed class ConsumerInstallTests(PackedFeed feed, ITestOutputHelper output)
{
    private static readonly string[] Installed = ["HybridLogging", "HybridLogging.Sinks.File", "HybridLogging.Sinks.Kinesis"];

    [Fact(Timeout = 300_000)]
    public async Task App_installing_the_packages_from_the_local_feed_logs_json_lines_to_a_file_and_to_kinesis()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        await using var kinesalite = await NodeEmulator.StartAsync("kinesalite", TimeSpan.FromMinutes(3));
        using var kinesis = new KinesaliteClient(kinesalite.BaseUri);
        var stream = $"consumer-{Guid.NewGuid():N}";
        await kinesis.CreateStreamAsync(stream, ct);
        var emulatorElapsed = clock.Elapsed;

        using var app = feed.NewConsumer("Consumer");
        app.WriteProject("Consumer", Installed);
        app.Write("Program.cs", ConsumerApp.Program());
        app.Write("appsettings.json", ConsumerApp.Settings($$"""
            "files": { "Type": "File", "Path": "logs/app.json" },
                    "stream": { "Type": "Kinesis", "StreamName": "{{stream}}", "Region": "{{KinesaliteClient.Region}}", "ServiceUrl": "{{kinesalite.BaseUri}}", "BatchSize": 10 }
            """));
        app.Environment["AWS_ACCESS_KEY_ID"] = KinesaliteClient.AccessKey;
        app.Environment["AWS_SECRET_ACCESS_KEY"] = KinesaliteClient.SecretKey;

        var restore = (await app.DotnetAsync(["restore", "--disable-build-servers"], TimeSpan.FromMinutes(3), ct)).EnsureSuccess();
        foreach (var id in Installed)
        {
            var package = feed.Packages[id];
            Assert.Equal(Path.TrimEndingDirectorySeparator(feed.Folder), Path.TrimEndingDirectorySeparator(ConsumerProject.RestoredFrom(package) ?? "(not restored into the isolated folder)"));
        }

        var build = (await app.DotnetAsync(["build", "-c", "Release", "--no-restore", "--disable-build-servers"], TimeSpan.FromMinutes(3), ct)).EnsureSuccess();
        var run = (await app.DotnetAsync([Path.Combine("bin", "Release", "net10.0", "Consumer.dll")], TimeSpan.FromMinutes(1), ct)).EnsureSuccess();
        output.WriteLine(run.Output);
        Assert.Contains("consumer done", run.Output, StringComparison.Ordinal);

        ConsumerApp.AssertLogged(ConsumerApp.ReadLines(Path.Combine(app.Folder, "logs", "app.json")), "file", app.Folder);
        ConsumerApp.AssertLogged(await kinesis.ReadLinesAsync(stream, ct), "kinesis", app.Folder);

        output.WriteLine(
            $"pack {feed.PackElapsed.TotalSeconds:0.0} s (shared), emulator {emulatorElapsed.TotalSeconds:0.0} s, restore {restore.Elapsed.TotalSeconds:0.0} s, " +
            $"build {build.Elapsed.TotalSeconds:0.0} s, run {run.Elapsed.TotalSeconds:0.0} s, test {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
