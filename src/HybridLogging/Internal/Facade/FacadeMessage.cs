using System.Collections;

namespace HybridLogging.Internal;

/// <summary>
/// The state of a facade call without metadata: a free-text message (no template, so braces are literal text and the
/// message is not a pattern) and the ids of a correlation context. Every field is a string, so the pipeline keeps the
/// state as captured (no boxing, no snapshot): such a call allocates nothing on the calling thread. The ids are read
/// as properties with the well-known names, which lift into the entry's correlation fields.
/// </summary>
internal readonly struct FacadeMessage(string message, string? correlationId, string? requestId, string? userId, string? sessionId)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>Renders the message (the call's formatter; a static delegate, so passing it allocates nothing).</summary>
    public static readonly Func<FacadeMessage, Exception?, string> Format = static (state, _) => state.Message;

    public string Message { get; } = message;

    public int Count =>
        (correlationId is null ? 0 : 1) + (requestId is null ? 0 : 1) + (userId is null ? 0 : 1) + (sessionId is null ? 0 : 1);

    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            var seen = -1;
            for (var slot = 0; slot < 4; slot++)
            {
                var (key, value) = slot switch
                {
                    0 => (WellKnownFields.CorrelationId, correlationId),
                    1 => (WellKnownFields.RequestId, requestId),
                    2 => (WellKnownFields.UserId, userId),
                    _ => (WellKnownFields.SessionId, sessionId),
                };

                if (value is not null && ++seen == index)
                {
                    return new(key, value);
                }
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Enumerate(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;

    private static IEnumerator<KeyValuePair<string, object?>> Enumerate(FacadeMessage state)
    {
        for (var i = 0; i < state.Count; i++)
        {
            yield return state[i];
        }
    }
}
