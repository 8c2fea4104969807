using System.Text.Json.Nodes;

namespace HybridLogging.Tests.Facade;

/// <summary>The JSON the README's Facade section shows is what those calls write (so a change of either shows).</summary>
public sealed class FacadeReadmeTests
{
    private const string Heading = "## Facade: `HybridLogAggregator` and the `ILogger` extensions";

    [Fact]
    public async Task The_readme_json_lines_are_what_the_example_calls_write()
    {
        await using var h = new FacadeHarness(o => o.Metadata["service"] = "shop");
        var logs = h.Facade;
        var correlationId = logs.CreateCorrelationContext(requestId: "req-42", userId: "u-7", sessionId: "s-1");
        logs.Info("Checkout", "Order placed", new Dictionary<string, object?> { ["OrderId"] = 1234, ["Total"] = 99.5m }, correlationId);
        logs.LogRouting("HybridRouter", provider: "openai-fallback", fallbackUsed: true, reason: "circuit open");
        logs.LogPerformance("Checkout", "payment", TimeSpan.FromMilliseconds(182.5));

        var written = await h.NextAsync();
        var documented = ReadmeJsonLines();
        Assert.Equal(documented.Count, written.Count);
        for (var i = 0; i < written.Count; i++)
        {
            if (documented[i]["correlationId"] is not null)
            {
                documented[i]["correlationId"] = correlationId; // a new id per run
            }

            FacadeHarness.SameExceptTimestamp(documented[i], written[i]);
        }
    }

    private static List<JsonObject> ReadmeJsonLines()
    {
        var readme = ReadmeText();
        var start = readme.IndexOf("\n" + Heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{Heading}'");
        var block = readme.IndexOf("```json\n", start, StringComparison.Ordinal) + "```json\n".Length;
        var end = readme.IndexOf("```", block, StringComparison.Ordinal);
        return [.. readme[block..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    private static string ReadmeText()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HybridLogging.sln")))
            {
                return File.ReadAllText(Path.Combine(dir.FullName, "README.md")).ReplaceLineEndings("\n");
            }
        }

        throw new InvalidOperationException("HybridLogging.sln not found above " + AppContext.BaseDirectory);
    }
}
