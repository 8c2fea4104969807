using System.Collections.Concurrent;
using HybridLogging.Insights.Tests.Alerts;
using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Stats;

/// <summary>
/// Reloaded configuration: health thresholds and windows apply live, an invalid statistics section is ignored with a
/// reason, and a change to a table size is reported as waiting for a restart.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class StatsReloadTests
{
    private const string Stats = "Logging:HybridLogging:Insights:Stats:";

    [Fact]
    public async Task Health_thresholds_reload_live_and_invalid_or_sizing_changes_are_reported_not_applied()
    {
        var selfLog = new ConcurrentQueue<string>();
        HybridSelfLog.Enable(selfLog.Enqueue);
        try
        {
            await using var app = new ConfiguredInsights(new()
            {
                [Stats + "DegradedErrorRate"] = "0.5",
                [Stats + "UnhealthyErrorRate"] = "0.9",
                [Stats + "HealthMinimumEntries"] = "1",
            });
            var config = app.Configuration;
            var pipeline = app.Pipeline;
            var insights = app.Insights;
            var logger = app.Logger("Shop.Payments");
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 10; i++)
            {
                if (i < 3)
                {
                    logger.LogError("Charge {Attempt} declined", i);
                }
                else
                {
                    logger.LogInformation("Charge {Attempt} accepted", i);
                }
            }

            await pipeline.FlushAsync(ct);
            Assert.Equal(HealthStatus.Healthy, Health(insights)); // 30% errors, degraded from 50%

            config[Stats + "DegradedErrorRate"] = "0.2";
            config.Reload();
            Assert.Equal(HealthStatus.Degraded, Health(insights));

            // Degraded above unhealthy is invalid: the last good thresholds stay.
            config[Stats + "DegradedErrorRate"] = "0.95";
            config.Reload();
            Assert.Equal(HealthStatus.Degraded, Health(insights));
            Assert.Contains(selfLog, m => m.Contains("reloaded statistics settings are invalid", StringComparison.Ordinal) && m.Contains("DegradedErrorRate", StringComparison.Ordinal));

            config[Stats + "DegradedErrorRate"] = "0.2";
            config["Logging:HybridLogging:Insights:Patterns:MaxPatterns"] = "5";
            config.Reload();
            Assert.Equal(1000, insights.GetSnapshot().PatternCapacity);
            Assert.Contains(selfLog, m => m.Contains("MaxPatterns (1000 -> 5)", StringComparison.Ordinal) && m.Contains("after a restart", StringComparison.Ordinal));
        }
        finally
        {
            HybridSelfLog.Disable();
        }
    }

    private static HealthStatus Health(LogInsights insights) => insights.GetSourceHealth().Single(h => h.Source == "Payments").Status;
}
