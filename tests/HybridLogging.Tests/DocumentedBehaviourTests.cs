using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// Behaviour that the README states, pinned by tests that also read the README, so a change of either shows.
/// </summary>
public sealed partial class DocumentedBehaviourTests
{
    private const string Hostile = "}{A}{";

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "User said {Text}")]
    private static partial void LogUserSaid(ILogger logger, string text);

    private static string TextFromOutside() => new(Hostile.AsSpan());

    private static string Readme
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "README.md");
                if (File.Exists(Path.Combine(dir.FullName, "HybridLogging.sln")))
                {
                    return File.ReadAllText(path).ReplaceLineEndings("\n");
                }
            }

            throw new InvalidOperationException("HybridLogging.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The table row of <paramref name="setting"/> in the section that starts with <paramref name="heading"/>.</summary>
    private static string ReadmeRow(string heading, string setting)
    {
        var readme = Readme;
        var start = readme.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{heading}'");
        var row = readme[start..].Split('\n').FirstOrDefault(l => l.StartsWith($"| `{setting}` |", StringComparison.Ordinal));
        Assert.NotNull(row);
        return row;
    }

    [Fact]
    public async Task Destination_queue_capacity_is_rounded_up_to_a_power_of_two_as_the_readme_says()
    {
        var options = new HybridLoggingOptions();
        options.AddSink("default", new CollectingSink());
        options.AddSink("thousand", new CollectingSink(), s => s.QueueCapacity = 1_000);
        options.AddSink("largest", new CollectingSink(), s => s.QueueCapacity = 10_000_000);
        await using var provider = new HybridLoggerProvider(options);

        var capacities = provider.GetStats().Sinks.ToDictionary(s => s.Name, s => s.QueueCapacity);

        Assert.Equal(10_000, new SinkOptions().QueueCapacity);
        Assert.Equal(16_384, capacities["default"]);
        Assert.Equal(1_024, capacities["thousand"]);
        Assert.Equal(16_777_216, capacities["largest"]);
        var row = ReadmeRow("### `SinkOptions`", "QueueCapacity");
        Assert.Contains("16,384", row, StringComparison.Ordinal);
        Assert.Contains("power of two", row, StringComparison.Ordinal);
    }

    [Fact]
    public void The_memory_bounds_the_readme_states_are_the_ones_in_force()
    {
        var bullet = Readme.Split("\n- ").Single(b => b.StartsWith("**Memory.**", StringComparison.Ordinal));

        static string N(int value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"{N(new HybridLoggingOptions().QueueCapacity)} captured calls", bullet, StringComparison.Ordinal);
        Assert.Contains($"{N(new SinkOptions().QueueCapacity)} entries by default", bullet, StringComparison.Ordinal);
        Assert.Contains($"{Internal.Utf8Chunk.InitialBytes / 1024} KiB chunks", bullet, StringComparison.Ordinal);
        Assert.Contains($"at most {Internal.Utf8Chunk.PoolCapacity} released chunks", bullet, StringComparison.Ordinal);
        Assert.Contains($"at most {N(Internal.GrowingPool<object>.MaxCapacity)}", bullet, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_template_makes_MELs_own_extension_methods_throw_FormatException_before_any_provider_runs()
    {
        var sink = new CollectingSink();
        using var provider = new HybridLoggerProvider(Some.Options(sink));
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var logger = factory.CreateLogger("Tests.Templates");

        // MEL's LoggerExtensions parse the template (to pair it with the arguments) before calling any provider. A
        // constant malformed template is a build error (analyzer CA2023); text from outside (user input, a message
        // built at run time) used as the template is not.
        var template = TextFromOutside();
        var error = Assert.Throws<FormatException>(() => logger.LogInformation(template, 1));

        Assert.Contains("Microsoft.Extensions.Logging.LoggerExtensions.", error.StackTrace, StringComparison.Ordinal);
        Assert.DoesNotContain("HybridLogging.Internal", error.StackTrace ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(0, provider.GetStats().Produced);

        // The README says so where it promises that logging never throws.
        var readme = Readme;
        Assert.Contains($"`\"{Hostile}\"`", readme, StringComparison.Ordinal);
        Assert.Contains("`FormatException`", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Untrusted_text_passed_as_an_argument_or_through_LoggerMessage_is_logged_as_it_is()
    {
        var sink = new CollectingSink();
        await using var provider = new HybridLoggerProvider(Some.Options(sink));
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var logger = factory.CreateLogger("Tests.Templates");

        LogUserSaid(logger, Hostile);
        logger.LogInformation("User said {Text}", Hostile);
        logger.LogInformation(TextFromOutside()); // no arguments: MEL does not parse the template, the text is the message
        await provider.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["User said " + Hostile, "User said " + Hostile, Hostile], sink.Entries.Select(e => e.Message));
        Assert.Equal(Hostile, sink.Entries[0].Properties.Single(p => p.Key == "Text").Value);
    }
}
