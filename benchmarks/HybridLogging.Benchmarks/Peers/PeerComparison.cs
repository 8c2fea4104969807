using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// End to end: N entries of a workload (<see cref="Workload"/>) from T threads, timed from the first call until the
/// logger factory's Dispose returns (every entry written), then every output line read and checked. Each configuration
/// is warmed up once, then the runs go round the configurations of one workload and thread count in turn (run 1 of each,
/// then run 2 of each, ...), so a noisy minute on a shared machine hits them alike; the median run is reported.
/// </summary>
/// <remarks>
/// Options: <c>--entries</c> (default 1,000,000), <c>--runs</c> (3), <c>--threads</c> (1,2), <c>--workload</c>
/// (order,sample,full), <c>--peers</c> (all; the sample workload skips MelConsole, which has no file), <c>--out</c>
/// (results as JSON, for <c>chart</c>), <c>--null</c> (order workload to discarding targets, nothing verified),
/// <c>--show</c> (print sample lines of every output, to check what each logger writes), <c>--alloc-types</c> (print
/// what each run allocated by type; see <see cref="AllocationTypes"/>). <c>--hybrid-queue N</c> sets HybridLogging's
/// pipeline queue capacity instead of the default, for experiments on that setting only.
/// </remarks>
public static class PeerComparison
{
    public static int Run(string[] args)
    {
        var entries = IntArg(args, "--entries", 1_000_000);
        var runs = IntArg(args, "--runs", 3);
        var threads = StringArg(args, "--threads", "1,2")!.Split(',').Select(int.Parse).ToArray();
        var peers = StringArg(args, "--peers", string.Join(',', Enum.GetNames<Peer>()))!
            .Split(',').Select(p => Enum.Parse<Peer>(p, ignoreCase: true)).ToArray();
        var workloads = StringArg(args, "--workload", string.Join(',', Enum.GetNames<Workload>()))!
            .Split(',').Select(w => Enum.Parse<Workload>(w, ignoreCase: true)).ToArray();
        var output = StringArg(args, "--out", null);
        Loggers.HybridQueueCapacity = StringArg(args, "--hybrid-queue", null) is { } queue ? int.Parse(queue, CultureInfo.InvariantCulture) : null;
        NullTargets = Array.IndexOf(args, "--null") >= 0;
        ShowLines = Array.IndexOf(args, "--show") >= 0;
        using var allocationTypes = Array.IndexOf(args, "--alloc-types") >= 0 ? new AllocationTypes() : null;
        Allocations = allocationTypes;

        var results = new List<PeerResult>();
        foreach (var workload in workloads)
        {
            Config[] configurations = workload switch
            {
                Workload.Order => [.. peers.Select(p => new Config(p))],
                Workload.Sample => [.. peers.Where(p => p != Peer.MelConsole).Select(p => new Config(p))],
                _ => [.. new Config[] { new(Peer.HybridLogging, Subscriber: true), new(Peer.HybridLogging, Subscriber: false), new(Peer.ZLogger) }.Where(c => peers.Contains(c.Peer))],
            };
            foreach (var threadCount in threads)
            {
                var samples = configurations.ToDictionary(c => c, _ => new List<PeerResult>());
                foreach (var config in configurations)
                {
                    RunOnce(workload, config, Math.Min(entries, 50_000), threadCount); // warm-up (JIT, pools, file system), not reported
                }

                for (var run = 0; run < runs; run++)
                {
                    foreach (var config in configurations)
                    {
                        var sample = RunOnce(workload, config, entries, threadCount);
                        Console.Error.WriteLine($"  {workload,-6} {sample.Name,-34} threads={threadCount} run={run + 1}: {sample.EntriesPerSecond,12:N0}/s {sample.BytesPerEntry,8:N1} B/entry (caller {sample.CallerBytesPerEntry:N1}, its scope {sample.ScopeBytesPerEntry:N1}) cpu={sample.CpuNsPerEntry:N0} ns/entry gc={sample.GcCollections} pause={sample.GcPauseMs:N0} ms shutdown={sample.ShutdownMs:N0} ms on-disk={sample.OnDiskPerSecond:N0}/s lines={sample.Lines:N0} ok={sample.JsonOk} {sample.Detail}{(string.IsNullOrEmpty(sample.ThreadTimes) ? "" : $"\n      threads while calling: {sample.ThreadTimes}")}");
                        samples[config].Add(sample);
                    }
                }

                foreach (var config in configurations)
                {
                    results.Add(Median(samples[config], entries));
                }
            }
        }

        Console.WriteLine(PeerReport.ToMarkdown(results, entries, runs));
        if (output is not null)
        {
            File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }

        return results.All(r => r.AllVerified) ? 0 : 1;
    }

    /// <summary>Diagnostic: discarding targets instead of files (no line verification; order workload only).</summary>
    private static bool NullTargets { get; set; }

    /// <summary>Diagnostic: allocations by type per run (null unless asked for).</summary>
    private static AllocationTypes? Allocations { get; set; }

    /// <summary>Diagnostic: print each output file's first line and first line with an exception to stderr.</summary>
    private static bool ShowLines { get; set; }

    private static void Show(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".lock", StringComparison.Ordinal)))
        {
            var lines = File.ReadLines(file).ToList();
            Console.Error.WriteLine($"    {Path.GetRelativePath(folder, file)}: {lines.FirstOrDefault()}");
            Console.Error.WriteLine($"    {Path.GetRelativePath(folder, file)} (exception): {lines.FirstOrDefault(l => l.Contains("ProviderException", StringComparison.Ordinal))}");
        }
    }

    private static PeerResult Median(List<PeerResult> samples, int entries)
    {
        var byTime = samples.OrderBy(s => s.Seconds).ToList();
        var median = byTime[byTime.Count / 2];
        double Mid(Func<PeerResult, double> value) => samples.Select(value).Order().ElementAt(samples.Count / 2);
        return median with
        {
            BytesPerEntry = Mid(s => s.BytesPerEntry),
            CallerBytesPerEntry = Mid(s => s.CallerBytesPerEntry),
            ScopeBytesPerEntry = Mid(s => s.ScopeBytesPerEntry),
            CpuNsPerEntry = Mid(s => s.CpuNsPerEntry),
            GcPauseMs = Mid(s => s.GcPauseMs),
            ShutdownMs = Mid(s => s.ShutdownMs),
            OnDiskPerSecond = Mid(s => s.OnDiskPerSecond),
            AllVerified = samples.All(s => s.Lines == entries && s.JsonOk),
        };
    }

    /// <summary>One logger setup of a workload; in the full workload HybridLogging runs with and without the subscriber.</summary>
    private sealed record Config(Peer Peer, bool Subscriber = false);

    private static PeerResult RunOnce(Workload workload, Config config, int entries, int threadCount)
    {
        var peer = config.Peer;
        using var dir = new TempDir($"{workload}-{peer}");
        var originalOut = Console.Out;
        CountingWriter? console = null;
        if (peer == Peer.MelConsole)
        {
            console = new CountingWriter();
            Console.SetOut(console);
        }

        var nullTargets = NullTargets && workload == Workload.Order;
        var full = workload == Workload.Full && peer == Peer.HybridLogging ? new FullConfiguration(dir.Path, config.Subscriber) : null;
        try
        {
            var factory = full?.Factory ?? Loggers.Create(peer, nullTargets ? null : dir.File("log.json"), requestScopes: workload != Workload.Order);
            var sample = workload == Workload.Order ? null : new SampleWorkload(entries, threadCount);
            var order = factory.CreateLogger(Loggers.Category);
            var router = factory.CreateLogger(SampleLog.RouterCategory);
            var breaker = factory.CreateLogger(SampleLog.BreakerCategory);
            var correlationContext = peer == Peer.HybridLogging;
            var scopeBytes = sample is null ? 0 : SampleWorkload.ScopeBytesPerRequest(router, correlationContext) * sample.Requests / entries;

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Allocations?.Reset();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var pauseBefore = GC.GetTotalPauseDuration();
            var gen0Before = GC.CollectionCount(0);
            var gen1Before = GC.CollectionCount(1);
            var gen2Before = GC.CollectionCount(2);
            var threadsBefore = ThreadTimes.Snapshot();
            long callerRun = 0, callerWait = 0;
            var started = Stopwatch.GetTimestamp();
            var perThread = entries / threadCount;
            var workers = new Thread[threadCount];
            long callerAllocated = 0;
            for (var t = 0; t < threadCount; t++)
            {
                var thread = t;
                var first = t * perThread;
                var count = t == threadCount - 1 ? entries - first : perThread;
                workers[t] = new Thread(() =>
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var (run0, wait0) = ThreadTimes.Current();
                    if (sample is null)
                    {
                        for (var i = first; i < first + count; i++)
                        {
                            Log.Order(order, i, Log.Customer(i), i * 0.25);
                        }
                    }
                    else
                    {
                        sample.Run(thread, router, breaker, correlationContext);
                    }

                    Interlocked.Add(ref callerAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
                    var (run1, wait1) = ThreadTimes.Current();
                    Interlocked.Add(ref callerRun, run1 - run0);
                    Interlocked.Add(ref callerWait, wait1 - wait0);
                });
                workers[t].Name = ThreadTimes.CallerName;
                workers[t].Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            // The logger's threads end with Dispose, so their times are read now (inside the timed window: 1-2 ms of
            // file reads in a 1-3 s run, alike for every peer); the report is put together after the window.
            var callingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var threadsAfter = ThreadTimes.Snapshot();
            (long Received, long Missed)? subscriber = null;
            if (full is not null)
            {
                subscriber = full.Shutdown();
            }
            else
            {
                factory.Dispose();
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            // HybridLogging's file sink makes its files durable (fsync) before its shutdown returns; the peers leave that
            // to the kernel. Syncing every output file here puts each logger's rate "until its lines are on disk" beside
            // the rate "until its shutdown returns" (for HybridLogging the sync finds nothing left to write).
            SyncFiles(dir.Path);
            var durableSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var threadTimes = ThreadTimes.Describe(threadsBefore, threadsAfter, (callerRun, callerWait), threadCount, entries, callingSeconds);
            var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
            var pause = GC.GetTotalPauseDuration() - pauseBefore;
            var collections = $"{GC.CollectionCount(0) - gen0Before}/{GC.CollectionCount(1) - gen1Before}/{GC.CollectionCount(2) - gen2Before}";
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            if (Allocations is { } types)
            {
                Console.Error.WriteLine($"      allocated by type ({peer}, estimate): {types.Describe(entries)}");
            }

            var (lines, ok, detail) = (console, nullTargets, sample, full) switch
            {
                ({ } c, _, _, _) => (c.Lines, c.SampleParses, "first line parsed"),
                (_, true, _, _) => (entries, true, "null target, not verified"),
                (_, _, null, _) => Checked(LineVerifier.Verify(dir.Path, entries)),
                (_, _, { } s, null) => Checked(LineVerifier.Verify(dir.Path, entries, s.Expected(LogLevel.Information))),
                (_, _, { } s, { } f) => CheckFull(s, f, entries, subscriber),
            };

            if (ShowLines)
            {
                Show(dir.Path);
            }

            return new PeerResult(peer.ToString(), threadCount, entries, seconds, entries / seconds, (double)allocated / entries, (double)callerAllocated / entries, lines, ok, false)
            {
                Workload = workload.ToString().ToLowerInvariant(),
                Variant = workload != Workload.Full ? null : full is null ? "one file" : config.Subscriber ? "full configuration" : "full, no subscriber",
                ScopeBytesPerEntry = scopeBytes,
                CpuNsPerEntry = cpu.Ticks * 100.0 / entries,
                GcPauseMs = pause.TotalMilliseconds,
                GcCollections = collections,
                ShutdownMs = (seconds - callingSeconds) * 1000,
                OnDiskPerSecond = entries / durableSeconds,
                Detail = detail,
                ThreadTimes = threadTimes,
            };
        }
        finally
        {
            full?.Dispose();
            Console.SetOut(originalOut);
        }
    }

    /// <summary>fsync of every file under <paramref name="folder"/> (a write handle: .NET syncs only writable streams).</summary>
    private static void SyncFiles(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // A lock file removed meanwhile: nothing to sync.
            }
        }
    }

    private static (long Lines, bool Ok, string Detail) Checked(LineCheck check) =>
        (check.Lines, check.Ok, "every line parsed" + (check.Ok ? "" : ": " + check));

    /// <summary>
    /// Every file of the full configuration against what the workload logged (the file and the console all of it, the
    /// stream's file its Warning-and-above entries), and the subscriber's count: what it received plus what its buffer
    /// dropped must be every entry.
    /// </summary>
    private static (long Lines, bool Ok, string Detail) CheckFull(SampleWorkload sample, FullConfiguration full, int entries, (long Received, long Missed)? subscriber)
    {
        var all = sample.Expected(LogLevel.Information);
        var warnings = sample.Expected(LogLevel.Warning);
        var file = LineVerifier.Verify(full.FileFolder, entries, all);
        var console = LineVerifier.Verify(full.ConsoleFolder, entries, all);
        var stream = LineVerifier.Verify(full.StreamFolder, warnings.Values.Sum(), warnings);
        var accounted = subscriber is not { } s || s.Received + s.Missed == entries;
        var ok = file.Ok && console.Ok && stream.Ok && accounted;
        var reader = subscriber is { } r
            ? $"subscriber received {r.Received:N0}, missed {r.Missed:N0}{(accounted ? "" : " (does not add up to the entries)")}"
            : "no subscriber";
        return (file.Lines, ok, $"file {file}; console {console}; warnings stream {stream}; {reader}");
    }

    internal static int IntArg(string[] args, string name, int fallback) =>
        StringArg(args, name, null) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    internal static string? StringArg(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

/// <summary>One configuration's run (or the median of its runs); <see cref="Workload"/> is "order" in files written before it existed.</summary>
public sealed record PeerResult(
    string Logger, int Threads, int Entries, double Seconds, double EntriesPerSecond, double BytesPerEntry, double CallerBytesPerEntry, long Lines, bool JsonOk, bool AllVerified)
{
    public string Workload { get; init; } = "order";

    /// <summary>Which setup of the logger, where a workload has more than one (the full workload).</summary>
    public string? Variant { get; init; }

    /// <summary>The logger and its variant, as the report names the row.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => Variant is null ? Logger : $"{Logger} ({Variant})";

    /// <summary>Calling-thread bytes per entry that the request's scope alone costs (begin + end, measured apart).</summary>
    public double ScopeBytesPerEntry { get; init; }

    /// <summary>
    /// CPU time of the whole process (every thread: callers, logger threads, GC, JIT) per entry over the timed window.
    /// On a machine shared with other work it moves far less than the wall-clock rate, so A/B comparisons use it.
    /// </summary>
    public double CpuNsPerEntry { get; init; }

    /// <summary>Time the runtime held managed threads for collections during the timed window (a diagnostic: one core idles then).</summary>
    public double GcPauseMs { get; init; }

    /// <summary>Collections of generations 0/1/2 during the timed window.</summary>
    public string? GcCollections { get; init; }

    /// <summary>Milliseconds from the last call's return to the logger's shutdown returning (queue drained, files closed), inside <see cref="Seconds"/>.</summary>
    public double ShutdownMs { get; init; }

    /// <summary>Entries per second timed until every output file was synced to disk after the shutdown (the median of the runs).</summary>
    public double OnDiskPerSecond { get; init; }

    /// <summary>What was verified, and for the full configuration each output and the subscriber's counts.</summary>
    public string? Detail { get; init; }

    /// <summary>CPU by thread while the calls were made (see <see cref="Peers.ThreadTimes"/>); empty where unsupported.</summary>
    public string? ThreadTimes { get; init; }
}
