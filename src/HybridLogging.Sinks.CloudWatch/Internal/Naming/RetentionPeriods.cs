namespace HybridLogging.Sinks.CloudWatch.Internal.Naming;

/// <summary>The retention values PutRetentionPolicy accepts (any other is rejected with InvalidParameterException).</summary>
internal static class RetentionPeriods
{
    private static readonly int[] Accepted = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public static bool IsAccepted(int days) => Array.BinarySearch(Accepted, days) >= 0;

    public static string Describe() => string.Join(", ", Accepted);
}
