namespace HybridLogging.Benchmarks.Common;

/// <summary>The median the whole-run modes report (the upper one of an even count); NaN for no values.</summary>
internal static class Medians
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
