using System.Text;
using System.Text.Unicode;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Internal.Naming;

namespace HybridLogging.Sinks.CloudWatch.Internal.Batching;

/// <summary>
/// Turns a batch into PutLogEvents calls that obey every documented rule: events grouped by stream; sorted by timestamp
/// (equal timestamps keep the batch's order); a new call before 10,000 events, before 1,048,576 bytes counted as UTF-8
/// message length plus 26 per event, and before the call would span 24 hours; messages over the event size limit
/// truncated (<see cref="EventTruncator"/>).
/// </summary>
internal sealed class PutPlanner(StreamNameTemplate streams, int maxEventSize, int maxEventsPerCall, int maxBytesPerCall)
{
    /// <summary>Bytes the service adds to each event's message length when it sizes a call.</summary>
    public const int EventOverhead = 26;

    /// <summary>Longest time between the first and last event of one call (the service refuses more than 24 hours).</summary>
    public const long MaxSpanMilliseconds = 24 * 60 * 60 * 1000L - 1;

    private readonly Dictionary<string, List<Pending>> _byStream = new(StringComparer.Ordinal);

    /// <summary>The calls for <paramref name="batch"/>; counts truncated events in <paramref name="truncated"/>.</summary>
    public List<PutCall> Plan(LogRecordBatch batch, out int truncated)
    {
        truncated = 0;
        foreach (var list in _byStream.Values)
        {
            list.Clear();
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var message = TrimLineEnd(record.Bytes);
            if (!Utf8.IsValid(message.Span))
            {
                // CloudWatch stores text: invalid sequences become U+FFFD instead of failing the whole call.
                message = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(message.Span));
            }

            if (message.Length == 0)
            {
                // The service refuses empty messages; a visible placeholder keeps the entry.
                message = "{}"u8.ToArray();
            }
            else if (message.Length > maxEventSize)
            {
                message = EventTruncator.Truncate(message, maxEventSize);
                truncated++;
            }

            var stream = streams.Resolve(record.Source, record.TimestampTicks);
            if (!_byStream.TryGetValue(stream, out var pending))
            {
                pending = [];
                _byStream[stream] = pending;
            }

            pending.Add(new Pending(ToUnixMilliseconds(record.TimestampTicks), i, message));
        }

        var calls = new List<PutCall>();
        foreach (var (stream, pending) in _byStream)
        {
            if (pending.Count > 0)
            {
                // Timestamp, then batch index: the same order a stable sort gives.
                pending.Sort(static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Index.CompareTo(b.Index));
                Split(stream, pending, calls);
            }
        }

        if (_byStream.Count > 256)
        {
            _byStream.Clear();
        }

        return calls;
    }

    public static long ToUnixMilliseconds(long utcTicks) => (utcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    private void Split(string stream, List<Pending> pending, List<PutCall> calls)
    {
        var start = 0;
        long bytes = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var size = pending[i].Message.Length + EventOverhead;
            var count = i - start;
            if (count > 0 && (count == maxEventsPerCall || bytes + size > maxBytesPerCall || pending[i].Timestamp - pending[start].Timestamp > MaxSpanMilliseconds))
            {
                calls.Add(Build(stream, pending, start, count));
                start = i;
                bytes = 0;
            }

            bytes += size;
        }

        calls.Add(Build(stream, pending, start, pending.Count - start));
    }

    private static PutCall Build(string stream, List<Pending> pending, int start, int count)
    {
        var events = new InputLogEvent[count];
        var indexes = new int[count];
        for (var j = 0; j < count; j++)
        {
            var p = pending[start + j];
            events[j] = new InputLogEvent(p.Timestamp, p.Message);
            indexes[j] = p.Index;
        }

        return new PutCall(stream, events, indexes);
    }

    private static ReadOnlyMemory<byte> TrimLineEnd(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var length = span.Length;
        while (length > 0 && span[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        return bytes[..length];
    }

    private readonly record struct Pending(long Timestamp, int Index, ReadOnlyMemory<byte> Message);
}
