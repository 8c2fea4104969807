using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// End to end: N entries of the shared workload from T threads, timed until LoggerFactory.Dispose() returns, then every
/// output line counted (and a sample parsed as JSON). Each configuration runs several times; the median is reported.
/// </summary>
public static class PeerComparison
{
    public static int Run(string[] args)
    {
        var entries = IntArg(args, "--entries", 1_000_000);
        var runs = IntArg(args, "--runs", 3);
        var threads = StringArg(args, "--threads", "1,2")!.Split(',').Select(int.Parse).ToArray();
        var peers = StringArg(args, "--peers", string.Join(',', Enum.GetNames<Peer>()))!
            .Split(',').Select(Enum.Parse<Peer>).ToArray();
        var output = StringArg(args, "--out", null);
        NullTargets = Array.IndexOf(args, "--null") >= 0;

        var results = new List<PeerResult>();
        foreach (var threadCount in threads)
        {
            foreach (var peer in peers)
            {
                var samples = new List<PeerResult>();
                RunOnce(peer, Math.Min(entries, 50_000), threadCount); // warm-up (JIT, pools, file system), not reported
                for (var run = 0; run < runs; run++)
                {
                    var sample = RunOnce(peer, entries, threadCount);
                    Console.Error.WriteLine($"  {peer,-14} threads={threadCount} run={run + 1}: {sample.EntriesPerSecond,12:N0}/s {sample.BytesPerEntry,8:N1} B/entry (caller {sample.CallerBytesPerEntry:N1}) lines={sample.Lines:N0} json={sample.JsonOk}");
                    samples.Add(sample);
                }

                var byTime = samples.OrderBy(s => s.Seconds).ToList();
                var median = byTime[byTime.Count / 2];
                var bytes = samples.Select(s => s.BytesPerEntry).Order().ElementAt(samples.Count / 2);
                var callerBytes = samples.Select(s => s.CallerBytesPerEntry).Order().ElementAt(samples.Count / 2);
                results.Add(median with { BytesPerEntry = bytes, CallerBytesPerEntry = callerBytes, AllVerified = samples.All(s => s.Lines == entries && s.JsonOk) });
            }
        }

        Console.WriteLine(ToMarkdown(results, entries, runs));
        if (output is not null)
        {
            File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }

        return results.All(r => r.AllVerified) ? 0 : 1;
    }

    /// <summary>Diagnostic: discarding targets instead of files (no line verification).</summary>
    private static bool NullTargets { get; set; }

    private static PeerResult RunOnce(Peer peer, int entries, int threadCount)
    {
        using var dir = new TempDir(peer.ToString());
        var path = dir.File("log.json");
        var originalOut = Console.Out;
        CountingWriter? console = null;
        if (peer == Peer.MelConsole)
        {
            console = new CountingWriter();
            Console.SetOut(console);
        }

        try
        {
            var factory = Loggers.Create(peer, NullTargets ? null : path);
            var logger = factory.CreateLogger(Loggers.Category);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            var perThread = entries / threadCount;
            var workers = new Thread[threadCount];
            long callerAllocated = 0;
            for (var t = 0; t < threadCount; t++)
            {
                var first = t * perThread;
                var count = t == threadCount - 1 ? entries - first : perThread;
                workers[t] = new Thread(() =>
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    for (var i = first; i < first + count; i++)
                    {
                        Log.Order(logger, i, "contoso", i * 0.25);
                    }

                    Interlocked.Add(ref callerAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
                });
                workers[t].Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            factory.Dispose();
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            long lines;
            bool jsonOk;
            if (console is not null)
            {
                lines = console.Lines;
                jsonOk = console.SampleParses;
            }
            else if (NullTargets)
            {
                (lines, jsonOk) = (entries, true);
            }
            else
            {
                (lines, jsonOk) = Verify(dir.Path);
            }

            return new PeerResult(peer.ToString(), threadCount, entries, seconds, entries / seconds, (double)allocated / entries, (double)callerAllocated / entries, lines, jsonOk, false);
        }
        finally
        {
            Console.SetOut(originalOut);
        }
    }

    /// <summary>Counts newline-terminated lines in every file of the folder; parses the first, a middle and the last line as JSON.</summary>
    private static (long Lines, bool JsonOk) Verify(string folder)
    {
        long lines = 0;
        var ok = true;
        foreach (var file in Directory.GetFiles(folder).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var all = File.ReadAllBytes(file);
            var count = all.AsSpan().Count((byte)'\n');
            lines += count;
            if (count == 0)
            {
                continue;
            }

            var span = all.AsSpan();
            var firstEnd = span.IndexOf((byte)'\n');
            var lastStart = span[..^1].LastIndexOf((byte)'\n') + 1;
            var middle = span.Length / 2;
            var middleStart = span[..middle].LastIndexOf((byte)'\n') + 1;
            var middleEnd = middleStart + span[middleStart..].IndexOf((byte)'\n');
            foreach (var (start, end) in new[] { (0, firstEnd), (middleStart, middleEnd), (lastStart, span.Length - 1) })
            {
                try
                {
                    using var doc = JsonDocument.Parse(all.AsMemory(start, end - start));
                    ok &= doc.RootElement.ValueKind == JsonValueKind.Object;
                }
                catch (JsonException)
                {
                    ok = false;
                }
            }
        }

        return (lines, ok);
    }

    private static string ToMarkdown(List<PeerResult> results, int entries, int runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Entries per run: {entries:N0}; median of {runs} runs; timed from the first call until LoggerFactory.Dispose() returns. \"vs best peer\" divides by the best of Serilog, NLog and ZLogger at the same thread count.");
        sb.AppendLine();
        sb.AppendLine("| Logger | Threads | Time (s) | Entries/s | Allocated B/entry (all threads) | Allocated B/entry (calling threads) | Lines verified | JSON sample | vs best peer |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var group in results.GroupBy(r => r.Threads))
        {
            var bestPeer = group.Where(r => r.Logger is not nameof(Peer.HybridLogging) and not nameof(Peer.MelConsole))
                .Select(r => r.EntriesPerSecond).DefaultIfEmpty(double.NaN).Max();
            foreach (var r in group)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Logger} | {r.Threads} | {r.Seconds:F3} | {r.EntriesPerSecond:N0} | {r.BytesPerEntry:N1} | {r.CallerBytesPerEntry:N1} | {r.Lines:N0} / {r.Entries:N0}{(r.AllVerified ? "" : " (FAIL in some run)")} | {(r.JsonOk ? "ok" : "FAIL")} | {r.EntriesPerSecond / bestPeer:F2}x |");
            }
        }

        return sb.ToString();
    }

    internal static int IntArg(string[] args, string name, int fallback) =>
        StringArg(args, name, null) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    internal static string? StringArg(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>Stands in for the console: counts lines and keeps the first for a JSON check.</summary>
    private sealed class CountingWriter : TextWriter
    {
        private readonly StringBuilder _first = new();
        private long _lines;

        public override Encoding Encoding => Encoding.UTF8;

        public long Lines => Interlocked.Read(ref _lines);

        public bool SampleParses
        {
            get
            {
                try
                {
                    using var doc = JsonDocument.Parse(_first.ToString());
                    return true;
                }
                catch (JsonException)
                {
                    return false;
                }
            }
        }

        public override void Write(char value)
        {
            if (value == '\n')
            {
                Interlocked.Increment(ref _lines);
            }
            else if (_lines == 0 && _first.Length < 4096)
            {
                _first.Append(value);
            }
        }

        public override void Write(string? value)
        {
            if (value is null)
            {
                return;
            }

            if (_lines == 0)
            {
                foreach (var c in value)
                {
                    Write(c);
                }

                return;
            }

            Interlocked.Add(ref _lines, value.AsSpan().Count('\n'));
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
    }
}

public sealed record PeerResult(
    string Logger, int Threads, int Entries, double Seconds, double EntriesPerSecond, double BytesPerEntry, double CallerBytesPerEntry, long Lines, bool JsonOk, bool AllVerified);
