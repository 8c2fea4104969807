using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// Diagnostic (<c>peers --alloc-types</c>): what a run allocates, by type, from the runtime's allocation ticks (one
/// event per ~100 KB allocated, naming the type whose allocation crossed the mark; an estimate, good to a few percent
/// for the large items). Found the 64 KiB chunk buffers the shared array pool failed to keep. The listener runs in the
/// process and slows every run by half or more: use it to see what allocates, never for rates. Each type is named with
/// the thread that allocated it where the OS gives thread names (Linux: <c>/proc/self/task/{id}/comm</c>).
/// </summary>
internal sealed class AllocationTypes : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _threadNames = new();

    public void Reset() => _bytes.Clear();

    /// <summary>The <paramref name="top"/> types by bytes, per entry of a run of <paramref name="entries"/>.</summary>
    public string Describe(int entries, int top = 8)
    {
        var text = new StringBuilder();
        foreach (var (type, bytes) in _bytes.OrderByDescending(t => t.Value).Take(top))
        {
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length == 0 ? "" : ", ")}{type} {bytes / (double)entries:N1} B");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate($"{ThreadName(e.OSThreadId)}: {type}", amount, (_, sum) => sum + amount);
    }

    private string ThreadName(long osThreadId) => _threadNames.GetOrAdd(osThreadId, static id =>
    {
        try
        {
            return File.ReadAllText($"/proc/self/task/{id}/comm").Trim();
        }
        catch (IOException)
        {
            return $"thread {id}";
        }
        catch (UnauthorizedAccessException)
        {
            return $"thread {id}";
        }
    });
}
