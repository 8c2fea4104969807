using System.Diagnostics;
using System.Text.Json;
using HybridLogging.Packaging.Tests.Kit;

namespace HybridLogging.Packaging.Tests;

/// <summary>
/// An application installing every package from the packed feed is published trimmed and self-contained on the JIT
/// (ILLink, the trimmer of <c>PublishTrimmed</c>, which is not the analysis NativeAOT runs), with trim warnings as
/// errors and every HybridLogging assembly rooted so all of its code is analysed; the trimmed app logs to its file.
/// </summary>
/// <remarks>
/// On the JIT, exceptions thrown along the same frames share one stack text (<c>StackTraceTexts</c>), and an exception
/// type that overrides <see cref="Exception.StackTrace"/> must never share one: the override is found by reflection,
/// which the trimmer could break. The app throws a plain and an overriding exception from one instruction in turn, and
/// each logged entry must carry exactly the text the runtime (or the override) gives for its own exception.
/// </remarks>
public sealed class TrimmedPublishTests(PackedFeed feed, ITestOutputHelper output)
{
    private const string OwnText = "   at Own.Text() (an override of StackTrace)";

    private const int MoreCount = 4;

    // One throw instruction for both types, so both have the same frames: a plain exception's text, once made, would be
    // handed to an overriding one (and the other way round) if the override were not found.
    private static readonly string MoreLogging = $$"""
        for (var attempt = 1; attempt <= {{MoreCount}}; attempt++)
        {
            var failure = ThrowFrom(own: attempt % 2 == 0);
            File.WriteAllText($"logs/more-{attempt}.txt", failure.StackTrace);
            logger.LogError(failure, "More {Attempt}", attempt);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static Exception ThrowFrom(bool own)
        {
            try
            {
                throw own ? new OwnTextException() : new InvalidOperationException("plain");
            }
            catch (Exception ex)
            {
                return ex;
            }
        }
        """;

    private static readonly string Types = $$"""
        sealed class OwnTextException() : Exception("own text")
        {
            public override string StackTrace => "{{OwnText}}";
        }
        """;

    [Fact(Timeout = 480_000)]
    public async Task Trimmed_app_built_from_every_package_publishes_without_warnings_and_logs_every_stack_text_as_the_runtime_gives_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        using var app = feed.NewConsumer("TrimmedConsumer");
        app.WriteRootedProject("TrimmedConsumer", """
                <PublishTrimmed>true</PublishTrimmed>
                <SelfContained>true</SelfContained>
            """);
        app.Write("Program.cs", ConsumerApp.Program(ConsumerProject.FileFactoryRegistration, MoreLogging, Types));
        app.Write("appsettings.json", ConsumerApp.Settings("""
            "files": { "Type": "File", "Path": "logs/trimmed.json" }
            """));

        var publish = await app.PublishAsync(TimeSpan.FromMinutes(6), ct);
        var published = Path.Combine(app.Folder, "publish");
        Assert.True(File.Exists(Path.Combine(published, "HybridLogging.dll")), $"no managed HybridLogging.dll in {published}:{Environment.NewLine}{publish.Output}");

        // Trimmed, not merely self-contained: the trimmer cut the runtime's own library down to what the app reaches.
        var trimmedCoreLib = new FileInfo(Path.Combine(published, "System.Private.CoreLib.dll")).Length;
        var sharedCoreLib = new FileInfo(typeof(object).Assembly.Location).Length;
        Assert.True(trimmedCoreLib < sharedCoreLib * 9 / 10, $"System.Private.CoreLib is {trimmedCoreLib} bytes published, {sharedCoreLib} in the shared framework");

        var run = (await Dotnet.RunProgramAsync(Path.Combine(published, "TrimmedConsumer"), app.Folder, [], app.Environment, TimeSpan.FromMinutes(1), ct)).EnsureSuccess();
        output.WriteLine(run.Output);
        Assert.Contains("consumer done", run.Output, StringComparison.Ordinal);

        var lines = ConsumerApp.ReadLines(Path.Combine(app.Folder, "logs", "trimmed.json"));
        ConsumerApp.AssertLogged(lines, "trimmed file", app.Folder, moreLines: MoreCount);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        for (var attempt = 1; attempt <= MoreCount; attempt++)
        {
            var expected = File.ReadAllText(Path.Combine(app.Folder, "logs", $"more-{attempt}.txt"));
            Assert.Equal(attempt % 2 == 0, expected == OwnText);
            var entry = entries.Single(e => e.GetProperty("message").GetString() == $"More {attempt}");
            Assert.Equal(expected, entry.GetProperty("error").GetProperty("stackTrace").GetString());
        }

        output.WriteLine($"publish (restore, build, ILLink) {publish.Elapsed.TotalSeconds:0.0} s, run {run.Elapsed.TotalMilliseconds:0} ms, test {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
