namespace HybridLogging.Internal;

/// <summary>
/// Marks the pipeline's own threads and sink exports, so log calls made inside them (the AWS SDK and HttpClient log
/// through MEL) are dropped instead of looping back into the pipeline (OpenTelemetry's SuppressInstrumentationScope idea).
/// </summary>
internal static class SuppressionScope
{
    private static readonly AsyncLocal<bool> Suppressed = new();

    public static bool IsActive => Suppressed.Value;

    /// <summary>Suppresses logging for the rest of the current execution context (used at the top of background loops).</summary>
    public static void Enter() => Suppressed.Value = true;
}
