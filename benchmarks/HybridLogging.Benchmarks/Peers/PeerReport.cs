using System.Globalization;
using System.Text;
using HybridLogging.Benchmarks.Common;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>The peers mode's Markdown: one table per workload, ratios to ZLogger (and to the best peer) at the same thread count.</summary>
public static class PeerReport
{
    public static string ToMarkdown(List<PeerResult> results, int entries, int runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Entries per run: {entries:N0}; median of {runs} runs (interleaved); timed from the first call until the logger factory's Dispose returns. \"vs ZLogger\" and \"vs best peer\" (best of Serilog, NLog and ZLogger) divide by the same workload at the same thread count in this invocation; for the full configuration ZLogger is its single-file run of the same calls. \"Calling threads\" includes the request's scope (CorrelationContext or BeginScope); \"its scope\" is what the scope alone allocates there. \"CPU ns/entry\" is the whole process's CPU time (every thread, GC and JIT included) per entry, the median of the runs; \"CPU vs ZLogger\" is ZLogger's divided by the row's, so above 1x the row spends less CPU per entry. It moves far less than the rate between invocations on a shared machine. \"Shutdown ms\" is the time from the last call's return until Dispose returned (the queue drained and, for HybridLogging's file sink, the files synced to disk: the only logger here that syncs at shutdown). \"On disk\" times each run until its output files were also synced to disk by the harness (a no-op for files HybridLogging already synced), so every logger is timed to the same durability; the median of the runs.");
        foreach (var workload in results.GroupBy(r => r.Workload))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Workload `{workload.Key}`: {Describe(workload.Key)}");
            sb.AppendLine();
            sb.AppendLine("| Logger | Threads | Time (s) | Entries/s | Allocated B/entry (all threads) | Allocated B/entry (calling threads) | of which its scope | Lines verified | Check | vs ZLogger | vs best peer | CPU ns/entry | CPU vs ZLogger | Shutdown ms | On disk, entries/s | on disk vs ZLogger |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var group in workload.GroupBy(r => r.Threads))
            {
                var zloggerRow = group.FirstOrDefault(r => r.Logger == nameof(Peer.ZLogger));
                var zlogger = zloggerRow?.EntriesPerSecond ?? double.NaN;
                var zloggerCpu = zloggerRow?.CpuNsPerEntry ?? double.NaN;
                var zloggerOnDisk = zloggerRow?.OnDiskPerSecond ?? double.NaN;
                var bestPeer = group.Where(r => r.Logger is not nameof(Peer.HybridLogging) and not nameof(Peer.MelConsole))
                    .Select(r => r.EntriesPerSecond).DefaultIfEmpty(double.NaN).Max();
                foreach (var r in group)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture,
                        $"| {r.Name} | {r.Threads} | {r.Seconds:F3} | {r.EntriesPerSecond:N0} | {r.BytesPerEntry:N1} | {r.CallerBytesPerEntry:N1} | {r.ScopeBytesPerEntry:N1} | {r.Lines:N0} / {r.Entries:N0}{(r.AllVerified ? "" : " (FAIL in some run)")} | {(r.JsonOk ? "ok" : "FAIL")} | {r.EntriesPerSecond / zlogger:F2}x | {r.EntriesPerSecond / bestPeer:F2}x | {r.CpuNsPerEntry:N0} | {zloggerCpu / r.CpuNsPerEntry:F2}x | {r.ShutdownMs:N0} | {r.OnDiskPerSecond:N0} | {r.OnDiskPerSecond / zloggerOnDisk:F2}x |");
                }
            }

            foreach (var r in workload.Where(r => r.Workload == "full" && r.Logger == nameof(Peer.HybridLogging)))
            {
                sb.AppendLine();
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {r.Name}, {r.Threads} thread(s), median run: {r.Detail}");
            }

            foreach (var r in workload.Where(r => !r.JsonOk))
            {
                sb.AppendLine();
                sb.AppendLine(CultureInfo.InvariantCulture, $"- FAILED check, {r.Name} {r.Threads} thread(s): {r.Detail}");
            }
        }

        return sb.ToString();
    }

    private static string Describe(string workload) => workload switch
    {
        "order" => "`Order {OrderId} for {Customer} totals {Amount}` (names nothing lifts; 1,024 customer names, each its own string instance, in turn), no scope; JSON lines to one file.",
        "sample" => "the sample's `[LoggerMessage]` calls, 2-4 per simulated request inside `CorrelationContext.Begin` (peers: `ILogger.BeginScope` with the same ids), 15% Warning or above, 9% with an exception; JSON lines to one file, every line checked for its request id.",
        "full" => "the sample workload through file + console (stdout redirected to a file) + a Warning-and-above stream to a second file + a live subscriber (and once more without the subscriber, to show what its entry objects cost); every line of each file checked.",
        _ => workload,
    };
}
