using System.Globalization;
using HybridLogging.Insights;

namespace HybridRouter.Sample;

/// <summary>Prints what <see cref="LogInsights"/> saw during the run: top patterns, top errors, health per source and the alerts raised.</summary>
public static class InsightsReport
{
    /// <summary>Writes the report to <paramref name="output"/>.</summary>
    public static void Write(LogInsights insights, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(insights);
        ArgumentNullException.ThrowIfNull(output);
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(culture, $"=== Insights: {insights.ObservedCount} entries, {insights.TrackedPatterns} patterns ==="));
        output.WriteLine("Top patterns:");
        foreach (var pattern in insights.TopPatterns(5))
        {
            output.WriteLine(string.Create(culture, $"  {pattern.Count,5}  {pattern.HighestLevel,-11}  {pattern.Source,-18}  {pattern.Pattern}"));
        }

        output.WriteLine("Top errors:");
        var errors = insights.TopErrors(5);
        if (errors.Count == 0)
        {
            output.WriteLine("  (none)");
        }

        foreach (var error in errors)
        {
            var type = error.ExceptionType.Length == 0 ? "(no exception)" : error.ExceptionType;
            output.WriteLine(string.Create(culture, $"  {error.Count,5}  {type}  {error.Source}: {error.Pattern}"));
        }

        output.WriteLine("Health per source:");
        foreach (var health in insights.GetSourceHealth())
        {
            output.WriteLine(string.Create(culture, $"  {health.Source,-18}  {health.Status,-9}  {health.Entries,4} entries, {health.Reason}"));
        }

        output.WriteLine("Alerts raised:");
        var raised = insights.GetAlertHistory().Where(a => a.State == AlertState.Raised).ToArray();
        if (raised.Length == 0)
        {
            output.WriteLine("  (none)");
        }

        foreach (var alert in raised)
        {
            output.WriteLine(string.Create(culture, $"  {alert.RaisedAt:HH:mm:ss}  [{alert.Severity}] {alert.Rule} ({alert.Source}): {alert.Message}"));
        }
    }
}
