using System.Collections;

namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// What the peers get in place of <c>CorrelationContext.Begin(...)</c>: an <c>ILogger.BeginScope</c> state carrying the
/// same ids (and, like the context, a correlation id generated per request). A key/value list, the shape every peer
/// turns into properties of each entry logged inside.
/// </summary>
public sealed class RequestScope(string correlationId, string requestId, string userId, string sessionId, string operationType)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 5;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("CorrelationId", correlationId),
        1 => new("RequestId", requestId),
        2 => new("UserId", userId),
        3 => new("SessionId", sessionId),
        4 => new("OperationType", operationType),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"CorrelationId={correlationId}, RequestId={requestId}, UserId={userId}, SessionId={sessionId}";
}
