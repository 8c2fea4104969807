using System.Globalization;
using System.Text.RegularExpressions;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Diagnostics;

/// <summary>The self-log through the real pipeline: a sink that fails every batch must not flood it.</summary>
/// <remarks>
/// Runs alone: the self-log's windows are process-wide, and another test's provider disposal writes the pending
/// summaries early (correct, but the count of lines would then depend on what ran in parallel).
/// </remarks>
[Collection(SelfLogCollection.Name)]
public sealed partial class SelfLogRateLimitTests
{
    [GeneratedRegex(@"\[and (\d+) more like this since ")]
    private static partial Regex SummaryCount();

    [Fact]
    public async Task Sink_failing_every_batch_reports_once_then_one_summary_with_the_exact_count()
    {
        const int Batches = 200;
        var throwing = new ThrowingSink();
        var options = new HybridLoggingOptions();
        options.AddSink("flooding", throwing, s =>
        {
            s.BatchSize = 1; // one entry per batch: every entry is one failed batch and one failure report
            s.MaxRetries = 0;
        });
        var reports = new SelfLogCapture();
        using (reports.Start())
        {
            await using var provider = new HybridLoggerProvider(options);
            var logger = provider.CreateLogger("Tests.Flood");
            for (var i = 0; i < Batches; i++)
            {
                logger.LogError("failing {I}", i);
            }

            await provider.FlushAsync(TestProvider.Token);
            Assert.Equal(Batches, Assert.Single(provider.GetStats().Sinks).Failed);
            Assert.Equal(Batches, throwing.Calls);
        }

        // Disposal (and Disable) wrote the pending summary.
        var lines = reports.Messages.Where(m => m.Contains("Destination 'flooding'", StringComparison.Ordinal)
            && m.Contains("entries failed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("Destination 'flooding': 1 entries failed: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotMatch(SummaryCount(), lines[0]);
        var count = int.Parse(SummaryCount().Match(lines[1]).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Batches - 1, count);
    }
}

/// <summary>Tests that count the process-wide self-log's lines: run with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "Process-wide self-log";
}
