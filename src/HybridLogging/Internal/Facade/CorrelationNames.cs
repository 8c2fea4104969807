namespace HybridLogging.Internal;

/// <summary>The property names facade states give correlation ids: the well-known names the view lifts into its fields.</summary>
internal static class CorrelationNames
{
    public const string CorrelationId = "CorrelationId";
    public const string RequestId = "RequestId";
    public const string UserId = "UserId";
    public const string SessionId = "SessionId";
}
