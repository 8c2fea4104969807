using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Benchmarks.Dispatch;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// What logging costs a service that is not saturated: the sample's requests (its own calls, each request in its
/// correlation context or scope, exceptions included) at a fixed rate on one thread, JSON lines to a file, for each
/// peer in turn, interleaved over several rounds. Reports the CPU time per entry of the calling thread and of all the
/// process's other threads (the logger's background work, GC and JIT included), and the context switches per entry.
/// </summary>
/// <remarks>
/// Usage: <c>paced [--rate 20000] [--seconds 5] [--rounds 3] [--peers HybridLogging,ZLogger,NLog,Serilog] [--full [--realtime]]</c>.
/// <c>--full</c> runs HybridLogging in the peers benchmark's full configuration (file, console redirected to a file, a
/// Warning stream to a second file, a live subscriber) while the peers still write one file; <c>--realtime</c> also has
/// that stream raise <c>LogStreamManager.RealTimeLog</c> to one handler.
/// The caller logs the entries due so far, then sleeps a millisecond, as request threads that mostly wait do. The
/// window runs from the first measured call until the logger factory's Dispose returns (everything written). Each run
/// starts with one second unmeasured, and a whole first round is run and not reported: the JIT's tiering to optimized
/// code still ran in the first rounds' windows (2-3x their CPU per entry). Linux only for the context switches.
/// Saturation benchmarks (<c>peers</c>) measure what the logger can do flat out; this measures what it takes from the
/// app's cores when it is not the limit, where how its threads wait for work matters as much as the work.
/// </remarks>
public static partial class PacedMode
{
    public static int Run(string[] args)
    {
        var rate = PeerComparison.IntArg(args, "--rate", 20_000);
        var seconds = PeerComparison.IntArg(args, "--seconds", 5);
        var rounds = PeerComparison.IntArg(args, "--rounds", 3);
        var peers = PeerComparison.StringArg(args, "--peers", "HybridLogging,ZLogger,NLog,Serilog")!
            .Split(',').Select(p => Enum.Parse<Peer>(p, ignoreCase: true)).ToArray();
        var full = Array.IndexOf(args, "--full") >= 0;
        var realTime = Array.IndexOf(args, "--realtime") >= 0;
        var results = peers.ToDictionary(p => p, _ => new List<Result>());
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var peer in peers)
            {
                var result = RunOnce(peer, rate, seconds, full && peer == Peer.HybridLogging, realTime);
                if (round == 0)
                {
                    continue; // JIT: tiering to optimized code still runs in the first windows after a short warm-up
                }

                results[peer].Add(result);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round} {peer,-14} {result.Entries,9:N0} entries  caller {result.CallerNs,6:N0} ns/entry  other threads {result.BackgroundNs,6:N0} ns/entry  switches {result.Switches,5:N2}/entry  lines {result.Lines:N0} of {result.Logged:N0}"));
            }
        }

        var shape = full ? $"HybridLogging in the full configuration (file, console, a stream{(realTime ? " raising RealTimeLog" : "")}, a live subscriber), the peers to one file" : "JSON lines to a file";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Paced: the sample's requests at {rate:N0} entries/s on one thread for {seconds} s, {shape}; median of {rounds} rounds (interleaved)."));
        Console.WriteLine();
        Console.WriteLine("| Logger | Caller CPU ns/entry | Other threads' CPU ns/entry | Total CPU ns/entry | Total vs HybridLogging | Context switches per entry | Lines written / logged (last round, warm-up included) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var hybrid = results.TryGetValue(Peer.HybridLogging, out var h) ? Median(h.Select(r => r.CallerNs + r.BackgroundNs)) : double.NaN;
        foreach (var (peer, list) in results)
        {
            var total = Median(list.Select(r => r.CallerNs + r.BackgroundNs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {peer} | {Median(list.Select(r => r.CallerNs)):N0} | {Median(list.Select(r => r.BackgroundNs)):N0} | {total:N0} | {total / hybrid:N2}x | {Median(list.Select(r => r.Switches)):N2} | {list[^1].Lines:N0} / {list[^1].Logged:N0} |"));
        }

        // Every line must reach the file, or the CPU figures would flatter a logger that dropped work.
        var incomplete = results.Where(p => p.Value.Any(r => r.Lines != r.Logged)).Select(p => p.Key).ToList();
        if (incomplete.Count > 0)
        {
            Console.Error.WriteLine($"Lines missing for: {string.Join(", ", incomplete)}");
            return 1;
        }

        return 0;
    }

    private static Result RunOnce(Peer peer, int rate, int seconds, bool full, bool realTime)
    {
        using var dir = new TempDir($"paced-{peer}");
        using var configuration = full ? new FullConfiguration(dir.Path, subscriber: true, realTime) : null;
        var path = configuration is null ? dir.File("log.json") : Path.Combine(configuration.FileFolder, "log.json");
        var factory = configuration?.Factory ?? Loggers.Create(peer, path, requestScopes: true);
        var router = factory.CreateLogger(SampleLog.RouterCategory);
        var breaker = factory.CreateLogger(SampleLog.BreakerCategory);
        var workload = new SampleWorkload(rate * (seconds + 1), 1);
        var correlationContext = peer == Peer.HybridLogging;
        var request = 0;

        // Warm-up: one second at the rate, not measured.
        var warmup = Pace(rate, 1, () => workload.RunRequest(0, request++, router, breaker, correlationContext));

        var cpuBefore = Environment.CpuUsage.TotalTime;
        var (switchesBefore, _) = Switches();
        long callerNs = 0;
        var entries = 0;
        var caller = new Thread(() =>
        {
            var start = ThreadCpu.Nanoseconds();
            entries = Pace(rate, seconds, () => workload.RunRequest(0, request++, router, breaker, correlationContext));
            callerNs = ThreadCpu.Nanoseconds() - start;
        });
        caller.Start();
        caller.Join();
        if (configuration is null)
        {
            factory.Dispose();
        }
        else
        {
            configuration.Shutdown();
        }

        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalNanoseconds;
        var (switchesAfter, _) = Switches();
        var lines = File.ReadLines(path).LongCount();
        return new Result(entries, (double)callerNs / entries, (cpu - callerNs) / entries, (double)(switchesAfter - switchesBefore) / entries, lines, warmup + entries);
    }

    /// <summary>Logs the entries due at <paramref name="rate"/> per second, sleeping a millisecond between bursts; returns how many.</summary>
    private static int Pace(int rate, int seconds, Func<int> request)
    {
        var started = Stopwatch.GetTimestamp();
        var end = started + (seconds * Stopwatch.Frequency);
        var sent = 0;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < end)
        {
            var due = (long)((now - started) * (double)rate / Stopwatch.Frequency);
            while (sent < due)
            {
                sent += request();
            }

            Thread.Sleep(1);
        }

        return sent;
    }

    private static double Median(IEnumerable<double> values) => Medians.Of(values);

    /// <summary>Voluntary and involuntary context switches of the whole process so far (every thread, ended ones too).</summary>
    private static (long Total, bool Known) Switches()
    {
        if (!OperatingSystem.IsLinux() || GetRusage(0, out var usage) != 0)
        {
            return (0, false);
        }

        return (usage.VoluntarySwitches + usage.InvoluntarySwitches, true);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSize;
        public long SharedSize;
        public long UnsharedDataSize;
        public long UnsharedStackSize;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlocksIn;
        public long BlocksOut;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }

    private sealed record Result(int Entries, double CallerNs, double BackgroundNs, double Switches, long Lines, long Logged);
}
