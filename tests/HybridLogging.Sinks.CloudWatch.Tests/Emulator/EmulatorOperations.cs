using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HybridLogging.Sinks.CloudWatch.Tests.Emulator;

/// <summary>
/// The emulated operations. PutLogEvents enforces the rules of the API reference: at most 10,000 events; at most
/// 1,048,576 bytes counted as each message's UTF-8 length plus 26; each event at most <see cref="MaxEventSize"/> bytes
/// and not empty; chronological order; a span of at most 24 hours (all refused with InvalidParameterException, nothing
/// stored); events more than 2 hours ahead, older than 14 days or older than the group's retention are reported in
/// rejectedLogEventsInfo while the rest are stored.
/// </summary>
internal sealed class EmulatorOperations(TimeProvider time)
{
    public const int MaxEvents = 10_000;
    public const int MaxBatchBytes = 1_048_576;
    public const int EventOverhead = 26;
    private static readonly int[] RetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    private int _putCalls;
    private long _largestAcceptedCall;

    public EmulatorStore Store { get; } = new();

    /// <summary>Largest accepted message, in UTF-8 bytes (the service's 1 MB per event less the 26-byte overhead).</summary>
    public int MaxEventSize { get; set; } = 1_048_550;

    /// <summary>When set, a PutLogEvents call with a message containing this text is refused with InvalidParameterException.</summary>
    public string? PoisonText { get; set; }

    public int PutCalls => Volatile.Read(ref _putCalls);

    public long LargestAcceptedCallBytes => Interlocked.Read(ref _largestAcceptedCall);

    public void CountPut() => Interlocked.Increment(ref _putCalls);

    public EmulatorResult Execute(string operation, JsonElement request) => operation switch
    {
        "CreateLogGroup" => CreateLogGroup(request),
        "CreateLogStream" => CreateLogStream(request),
        "PutRetentionPolicy" => PutRetentionPolicy(request),
        "PutLogEvents" => PutLogEvents(request),
        "GetLogEvents" => GetLogEvents(request),
        "DescribeLogStreams" => DescribeLogStreams(request),
        "DescribeLogGroups" => DescribeLogGroups(request),
        _ => EmulatorResult.Error(400, "UnknownOperationException", $"Unknown operation {operation}."),
    };

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static EmulatorResult Invalid(string message) => EmulatorResult.Error(400, "InvalidParameterException", message);

    private static EmulatorResult NotFound(string what) => EmulatorResult.Error(400, "ResourceNotFoundException", $"The specified {what} does not exist.");

    private EmulatorResult CreateLogGroup(JsonElement request)
    {
        var name = Text(request, "logGroupName");
        if (name is null || name.Length is < 1 or > 512 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#')))
        {
            return Invalid($"1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint.");
        }

        return Store.Groups.TryAdd(name, new EmulatorStore.LogGroup(name, Now))
            ? EmulatorResult.Ok(new { })
            : EmulatorResult.Error(400, "ResourceAlreadyExistsException", "The specified log group already exists");
    }

    private EmulatorResult CreateLogStream(JsonElement request)
    {
        var name = Text(request, "logStreamName");
        if (!Store.Groups.TryGetValue(Text(request, "logGroupName") ?? string.Empty, out var group))
        {
            return NotFound("log group");
        }

        if (name is null || name.Length is < 1 or > 512 || name.Contains(':', StringComparison.Ordinal) || name.Contains('*', StringComparison.Ordinal))
        {
            return Invalid($"1 validation error detected: Value '{name}' at 'logStreamName' failed to satisfy constraint.");
        }

        return group.Streams.TryAdd(name, new EmulatorStore.LogStream(name, Now))
            ? EmulatorResult.Ok(new { })
            : EmulatorResult.Error(400, "ResourceAlreadyExistsException", "The specified log stream already exists");
    }

    private EmulatorResult PutRetentionPolicy(JsonElement request)
    {
        if (!Store.Groups.TryGetValue(Text(request, "logGroupName") ?? string.Empty, out var group))
        {
            return NotFound("log group");
        }

        var days = request.TryGetProperty("retentionInDays", out var d) && d.TryGetInt32(out var value) ? value : -1;
        if (Array.IndexOf(RetentionValues, days) < 0)
        {
            return Invalid($"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set.");
        }

        group.RetentionInDays = days;
        return EmulatorResult.Ok(new { });
    }

    private EmulatorResult PutLogEvents(JsonElement request)
    {
        CountPut();
        if (!Store.Groups.TryGetValue(Text(request, "logGroupName") ?? string.Empty, out var group))
        {
            return NotFound("log group");
        }

        if (!group.Streams.TryGetValue(Text(request, "logStreamName") ?? string.Empty, out var stream))
        {
            return NotFound("log stream");
        }

        if (!request.TryGetProperty("logEvents", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return Invalid("logEvents is required.");
        }

        var events = new List<(long Timestamp, string Message)>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            events.Add((item.GetProperty("timestamp").GetInt64(), item.GetProperty("message").GetString() ?? string.Empty));
        }

        if (events.Count is < 1 or > MaxEvents)
        {
            return Invalid($"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and {MaxEvents}");
        }

        long total = 0;
        foreach (var (_, message) in events)
        {
            var size = Encoding.UTF8.GetByteCount(message);
            if (size == 0)
            {
                return Invalid("Log event message must not be empty.");
            }

            if (size > MaxEventSize)
            {
                return Invalid($"Log event too large: {size} bytes exceeds limit of {MaxEventSize}");
            }

            if (PoisonText is { } poison && message.Contains(poison, StringComparison.Ordinal))
            {
                return Invalid("Log event message is not valid.");
            }

            total += size + EventOverhead;
        }

        if (total > MaxBatchBytes)
        {
            return Invalid($"Upload too large: {total} bytes exceeds limit of {MaxBatchBytes}");
        }

        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Timestamp < events[i - 1].Timestamp)
            {
                return Invalid("Log events in a single PutLogEvents request must be in chronological order.");
            }
        }

        if (events[^1].Timestamp - events[0].Timestamp > TimeSpan.FromHours(24).TotalMilliseconds)
        {
            return Invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }

        var now = Now;
        var tooNewFrom = events.FindIndex(e => e.Timestamp > now + (long)TimeSpan.FromHours(2).TotalMilliseconds);
        var tooOldEnd = events.FindLastIndex(e => e.Timestamp < now - (long)TimeSpan.FromDays(14).TotalMilliseconds) + 1;
        var expiredEnd = group.RetentionInDays is { } days ? events.FindLastIndex(e => e.Timestamp < now - (long)TimeSpan.FromDays(days).TotalMilliseconds) + 1 : 0;
        var keepFrom = Math.Max(tooOldEnd, expiredEnd);
        var keepTo = tooNewFrom < 0 ? events.Count : tooNewFrom;
        if (keepTo > keepFrom)
        {
            stream.Add(events.Skip(keepFrom).Take(keepTo - keepFrom), now);
        }

        InterlockedMax(ref _largestAcceptedCall, total);
        var rejected = new Dictionary<string, int>();
        if (tooNewFrom >= 0)
        {
            rejected["tooNewLogEventStartIndex"] = tooNewFrom;
        }

        if (tooOldEnd > 0)
        {
            rejected["tooOldLogEventEndIndex"] = tooOldEnd;
        }

        if (expiredEnd > 0)
        {
            rejected["expiredLogEventEndIndex"] = expiredEnd;
        }

        return rejected.Count == 0
            ? EmulatorResult.Ok(new { nextSequenceToken = "0" })
            : EmulatorResult.Ok(new { nextSequenceToken = "0", rejectedLogEventsInfo = rejected });
    }

    private EmulatorResult GetLogEvents(JsonElement request)
    {
        if (!Store.Groups.TryGetValue(Text(request, "logGroupName") ?? string.Empty, out var group))
        {
            return NotFound("log group");
        }

        if (!group.Streams.TryGetValue(Text(request, "logStreamName") ?? string.Empty, out var stream))
        {
            return NotFound("log stream");
        }

        var limit = request.TryGetProperty("limit", out var l) && l.TryGetInt32(out var value) ? Math.Clamp(value, 1, 10_000) : 10_000;
        var token = Text(request, "nextToken");
        var offset = token is { Length: > 2 } && token.StartsWith("f/", StringComparison.Ordinal) ? int.Parse(token[2..], CultureInfo.InvariantCulture) : 0;
        var all = stream.Snapshot();
        var page = all.Skip(offset).Take(limit).Select(e => new { timestamp = e.Timestamp, message = e.Message, ingestionTime = e.IngestionTime }).ToArray();
        // As the service does, the forward token stays the same once the end is reached.
        var next = "f/" + (offset + page.Length).ToString(CultureInfo.InvariantCulture);
        return EmulatorResult.Ok(new { events = page, nextForwardToken = next, nextBackwardToken = "b/" + offset.ToString(CultureInfo.InvariantCulture) });
    }

    private EmulatorResult DescribeLogStreams(JsonElement request)
    {
        if (!Store.Groups.TryGetValue(Text(request, "logGroupName") ?? string.Empty, out var group))
        {
            return NotFound("log group");
        }

        var prefix = Text(request, "logStreamNamePrefix") ?? string.Empty;
        var streams = group.Streams.Values.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new { logStreamName = s.Name, creationTime = s.CreationTime, storedBytes = s.StoredBytes }).ToArray();
        return EmulatorResult.Ok(new { logStreams = streams });
    }

    private EmulatorResult DescribeLogGroups(JsonElement request)
    {
        var prefix = Text(request, "logGroupNamePrefix") ?? string.Empty;
        var groups = Store.Groups.Values.Where(g => g.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new { logGroupName = g.Name, creationTime = g.CreationTime, retentionInDays = g.RetentionInDays }).ToArray();
        return EmulatorResult.Ok(new { logGroups = groups });
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
