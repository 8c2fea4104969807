namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>The key and token an object was (or is being) written under.</summary>
internal sealed record ObjectAttempt(string Key, string Token);

/// <summary>
/// Remembers which key and token each object was first tried under, by the identity of its first record, so that
/// when the same records come back (a retry after a failure whose outcome is unknown, such as a reset after S3 had
/// stored the object) they are written under the same key and token: the conditional write then answers 412, the
/// token shows the object is ours, and no duplicate object appears. Bounded; the oldest entries go first.
/// </summary>
internal sealed class AttemptCache(int capacity)
{
    private readonly Dictionary<(long Sequence, long Ticks, int Hash, int Length), ObjectAttempt> _attempts = [];
    private readonly Queue<(long, long, int, int)> _order = new();

    public static (long Sequence, long Ticks, int Hash, int Length) IdentityOf(in LogRecord first)
    {
        var hash = new HashCode();
        hash.AddBytes(first.Bytes.Span);
        return (first.Sequence, first.TimestampTicks, hash.ToHashCode(), first.Bytes.Length);
    }

    public ObjectAttempt? Find((long, long, int, int) identity) => _attempts.GetValueOrDefault(identity);

    public void Remember((long, long, int, int) identity, ObjectAttempt attempt)
    {
        if (!_attempts.ContainsKey(identity))
        {
            _order.Enqueue(identity);
            while (_order.Count > capacity)
            {
                _attempts.Remove(_order.Dequeue());
            }
        }

        _attempts[identity] = attempt;
    }
}
