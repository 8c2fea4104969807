using System.Text;
using System.Text.Json;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>What a folder's files held: every line read, parsed and (when asked) tallied by request id.</summary>
public sealed record LineCheck(long Lines, long Malformed, long MissingRequestId, long WrongCounts, long Expected)
{
    public bool Ok => Lines == Expected && Malformed == 0 && MissingRequestId == 0 && WrongCounts == 0;

    public override string ToString() =>
        $"{Lines:N0}/{Expected:N0} lines" + (Malformed > 0 ? $", {Malformed:N0} not JSON objects" : "")
        + (MissingRequestId > 0 ? $", {MissingRequestId:N0} without request id" : "")
        + (WrongCounts > 0 ? $", {WrongCounts:N0} request ids with the wrong line count" : "");
}

/// <summary>
/// Reads every newline-terminated line of every log file in a folder (streamed, so a run of any size fits in memory),
/// checks that each is one complete JSON object, and, given the expected lines per request id, finds the first
/// property named <c>requestId</c> (any case, any depth: HybridLogging writes <c>requestId</c>, the peers write the
/// scope's <c>RequestId</c>) and compares the tally with what the workload logged.
/// </summary>
public static class LineVerifier
{
    public static LineCheck Verify(string folder, long expectedLines, IReadOnlyDictionary<string, long>? expectedPerId = null)
    {
        var counts = expectedPerId is null ? null : new Dictionary<string, long>(expectedPerId.Count, StringComparer.Ordinal);
        long lines = 0, malformed = 0, missing = 0;
        var buffer = new byte[1 << 20];
        foreach (var file in Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).Contains(".lock", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
                }

                var read = stream.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                var start = 0;
                int end;
                while ((end = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n')) >= 0)
                {
                    lines++;
                    switch (Check(buffer.AsSpan(start, end), counts))
                    {
                        case Outcome.Malformed:
                            malformed++;
                            break;
                        case Outcome.NoRequestId:
                            missing++;
                            break;
                    }

                    start += end + 1;
                }

                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                if (read == 0)
                {
                    malformed += filled > 0 ? 1 : 0; // a last line without its newline
                    break;
                }
            }
        }

        long wrong = 0;
        if (expectedPerId is not null)
        {
            wrong = expectedPerId.Count(p => counts!.GetValueOrDefault(p.Key) != p.Value) + counts!.Keys.Count(k => !expectedPerId.ContainsKey(k));
        }

        return new LineCheck(lines, malformed, missing, wrong, expectedLines);
    }

    private enum Outcome
    {
        Ok,
        Malformed,
        NoRequestId,
    }

    private static Outcome Check(ReadOnlySpan<byte> line, Dictionary<string, long>? counts)
    {
        string? id = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Outcome.Malformed;
            }

            while (reader.Read())
            {
                if (id is null && counts is not null && reader.TokenType == JsonTokenType.PropertyName
                    && Ascii.EqualsIgnoreCase(reader.ValueSpan, "requestId"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }

            if (reader.BytesConsumed != line.Length || reader.CurrentDepth != 0)
            {
                return Outcome.Malformed;
            }
        }
        catch (JsonException)
        {
            return Outcome.Malformed;
        }

        if (counts is null)
        {
            return Outcome.Ok;
        }

        if (id is null)
        {
            return Outcome.NoRequestId;
        }

        counts[id] = counts.GetValueOrDefault(id) + 1;
        return Outcome.Ok;
    }
}
