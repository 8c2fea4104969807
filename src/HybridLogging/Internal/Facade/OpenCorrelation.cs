namespace HybridLogging.Internal;

/// <summary>An open correlation context of the facade's registry (immutable; its node is the registry's, under its lock).</summary>
internal sealed class OpenCorrelation(string correlationId, string? requestId, string? userId, string? sessionId)
{
    public string CorrelationId { get; } = correlationId;

    public string? RequestId { get; } = requestId;

    public string? UserId { get; } = userId;

    public string? SessionId { get; } = sessionId;

    /// <summary>Its place in the registry's creation order.</summary>
    public LinkedListNode<OpenCorrelation>? Node { get; set; }
}
