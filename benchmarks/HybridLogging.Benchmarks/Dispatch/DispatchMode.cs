using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Benchmarks.Peers;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Dispatch;

/// <summary>
/// The dispatcher's per-entry work without queue, threads or sinks: the workload's calls are captured once (as the
/// logger captures them), then viewed and formatted as JSON over and over on this thread, stage by stage, so each
/// stage's nanoseconds per entry and bytes per entry can be compared before and after a change. Stages: <c>build</c>
/// (read the state, render the message, lift well-known fields, redact, scan for secrets, correlation), <c>format</c>
/// (the JSON line, exception text included), <c>scan</c> (the message's secret scan alone, for reference).
/// </summary>
/// <remarks>
/// Usage: <c>dispatch [--workload sample|sample-noex|sample-ex|order] [--entries N] [--rounds R] [--total-only] [--stages]</c> (--total-only for a
/// profiler: only the build-and-format loop; --stages: CPU time by stage). Prints the median of the rounds.
/// </remarks>
public static class DispatchMode
{
    public static int Run(string[] args)
    {
        var workload = Arg(args, "--workload") ?? "sample,order";
        var entries = int.Parse(Arg(args, "--entries") ?? "200000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Arg(args, "--rounds") ?? "7", CultureInfo.InvariantCulture);
        stagesToo = Array.IndexOf(args, "--total-only") < 0;
        foreach (var name in workload.Split(','))
        {
            if (Array.IndexOf(args, "--stages") >= 0)
            {
                Stages(name, entries, rounds);
            }
            else
            {
                Measure(name, entries, rounds);
            }
        }

        return 0;
    }

    private static void Measure(string workload, int entries, int rounds)
    {
        var settings = new PipelineSettings(new HybridLoggingOptions());
        var captured = Capture(workload, settings);
        var builder = new ViewBuilder();
        var view = new LogEntryView();
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var formatter = JsonLogFormatter.Instance;
        var build = new List<double>();
        var total = new List<double>();
        var cpu = new List<double>();
        var scan = new List<double>();
        var bytes = new List<double>();
        long lineBytes = 0;
        for (var round = -2; round < rounds; round++)
        {
            // Build only.
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < (stagesToo ? entries : 0); i++)
            {
                builder.Build(captured[i % captured.Length], settings, view, i);
                view.Clear();
            }

            var buildNs = sw.Elapsed.TotalNanoseconds / entries;

            // Build and format, as the dispatcher does for one JSON destination.
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            lineBytes = 0;
            var cpuStart = ThreadCpu.Nanoseconds();
            sw.Restart();
            for (var i = 0; i < entries; i++)
            {
                builder.Build(captured[i % captured.Length], settings, view, i);
                formatter.Write(view, output);
                if (output.WrittenCount > (1 << 19))
                {
                    lineBytes += output.WrittenCount;
                    output.ResetWrittenCount();
                }

                view.Clear();
            }

            var totalNs = sw.Elapsed.TotalNanoseconds / entries;
            var cpuNs = (double)(ThreadCpu.Nanoseconds() - cpuStart) / entries;
            var perEntry = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / entries;
            lineBytes += output.WrittenCount;
            output.ResetWrittenCount();

            // The secret scan of each message, alone.
            var patterns = settings.SecretValues!;
            var found = 0;
            sw.Restart();
            for (var i = 0; i < (stagesToo ? entries : 0); i += captured.Length)
            {
                foreach (var pending in captured)
                {
                    builder.Build(pending, settings, view, i);
                    var start = Stopwatch.GetTimestamp();
                    found += patterns.ContainsSecret(view.Message) ? 1 : 0;
                    scanTicks += Stopwatch.GetTimestamp() - start;
                    view.Clear();
                }
            }

            var scanNs = Stopwatch.GetElapsedTime(0, scanTicks).TotalNanoseconds / entries;
            scanTicks = 0;
            if (round >= 0)
            {
                build.Add(buildNs);
                total.Add(totalNs);
                cpu.Add(cpuNs);
                scan.Add(scanNs);
                bytes.Add(perEntry);
            }
        }

        Console.WriteLine(
            $"{workload,-10} build {Median(build),7:0.0} ns  format {Median(total) - Median(build),7:0.0} ns  total {Median(total),7:0.0} ns/entry  " +
            $"cpu {Median(cpu),7:0.0} ns/entry (message scan alone {Median(scan),5:0.0} ns)  {Median(bytes),6:0.0} B/entry allocated  {(double)lineBytes / entries:0} B/line  " +
            $"cpu [{string.Join(' ', cpu.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}]");
    }

    /// <summary>
    /// Thread CPU ns per entry of each stage, by subtraction: reading the state's values; building the view with and
    /// without the secret scan (message and string values); formatting views built beforehand (the JSON line, and an
    /// exception's capture: it is made on the formatter's first read).
    /// </summary>
    private static void Stages(string workload, int entries, int rounds)
    {
        var settings = new PipelineSettings(new HybridLoggingOptions());
        var unscanned = new PipelineSettings(new HybridLoggingOptions { RedactSecretValues = false });
        var captured = Capture(workload, settings);
        var builder = new ViewBuilder();
        var view = new LogEntryView();
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var values = new KeyValuePair<string, object?>[16];
        var boxes = new RecycledBoxes(256);
        var read = new List<double>();
        var build = new List<double>();
        var buildUnscanned = new List<double>();
        var format = new List<double>();
        for (var round = -2; round < rounds; round++)
        {
            var start = ThreadCpu.Nanoseconds();
            for (var i = 0; i < entries; i++)
            {
                boxes.BeginEntry();
                var n = captured[i % captured.Length].ReadValues(ref values, 256, boxes);
                Array.Clear(values, 0, Math.Max(n, 0));
            }

            var readNs = (double)(ThreadCpu.Nanoseconds() - start) / entries;
            start = ThreadCpu.Nanoseconds();
            for (var i = 0; i < entries; i++)
            {
                builder.Build(captured[i % captured.Length], settings, view, i);
                view.Clear();
            }

            var buildNs = (double)(ThreadCpu.Nanoseconds() - start) / entries;
            start = ThreadCpu.Nanoseconds();
            for (var i = 0; i < entries; i++)
            {
                builder.Build(captured[i % captured.Length], unscanned, view, i);
                view.Clear();
            }

            var unscannedNs = (double)(ThreadCpu.Nanoseconds() - start) / entries;
            var formatTicks = 0L;
            for (var i = 0; i < entries; i += captured.Length)
            {
                foreach (var pending in captured)
                {
                    builder.Build(pending, settings, view, i);
                    var t = ThreadCpu.Nanoseconds();
                    for (var repeat = 0; repeat < 8; repeat++)
                    {
                        JsonLogFormatter.Instance.Write(view, output);
                        view.SetError(null); // the exception's capture is part of formatting it, each time
                    }

                    formatTicks += ThreadCpu.Nanoseconds() - t;
                    output.ResetWrittenCount();
                    view.Clear();
                }
            }

            if (round >= 0)
            {
                read.Add(readNs);
                build.Add(buildNs);
                buildUnscanned.Add(unscannedNs);
                format.Add((double)formatTicks / 8 / entries);
            }
        }

        // The message scan by detector, on the messages of this workload.
        var messages = new List<string>();
        foreach (var pending in captured)
        {
            builder.Build(pending, settings, view, 0);
            messages.Add(view.Message.ToString());
            view.Clear();
        }

        var names = HybridLogging.Internal.Redaction.SecretNames.Default;
        var detectors = new (string Name, Func<string, bool> Find)[]
        {
            ("anchored", m => HybridLogging.Internal.Redaction.AnchoredSecrets.TryFind(m, 0, out _)),
            ("named", m => HybridLogging.Internal.Redaction.NamedValueSecrets.TryFind(m, 0, names, out _)),
            ("card", m => HybridLogging.Internal.Redaction.RunSecrets.TryFindCard(m, 0, out _)),
            ("aws", m => HybridLogging.Internal.Redaction.RunSecrets.TryFindAwsSecret(m, 0, out _)),
        };
        var perDetector = new List<string>();
        foreach (var (name, find) in detectors)
        {
            var best = double.MaxValue;
            for (var round = 0; round < 3; round++)
            {
                var start = ThreadCpu.Nanoseconds();
                for (var i = 0; i < entries; i++)
                {
                    find(messages[i % messages.Count]);
                }

                best = Math.Min(best, (double)(ThreadCpu.Nanoseconds() - start) / entries);
            }

            perDetector.Add($"{name} {best:0.0}");
        }

        Console.WriteLine(
            $"{workload,-11} message scan by detector (ns/entry, best of 3, via a delegate): {string.Join(", ", perDetector)}; " +
            $"message length {messages.Average(m => m.Length):0}");
        Console.WriteLine(
            $"{workload,-11} stages (thread CPU ns/entry, medians): read values {Median(read),6:0.0}  view rest {Median(buildUnscanned) - Median(read),6:0.0}  " +
            $"secret scan {Median(build) - Median(buildUnscanned),6:0.0}  JSON line {Median(format),6:0.0}  = {Median(build) + Median(format),6:0.0}");
    }

    private static long scanTicks;
    private static bool stagesToo;

    private static PendingEntry[] Capture(string workload, PipelineSettings settings)
    {
        var router = new CaptureLogger(settings.ResolveCategory(SampleLog.RouterCategory));
        var breaker = new CaptureLogger(settings.ResolveCategory(SampleLog.BreakerCategory), router.Captured);
        switch (workload)
        {
            case "sample":
            case "sample-noex":
            case "sample-ex":
                // Two full cycles of the sample's 20 requests (46 calls each).
                new SampleWorkload(92, 1).Run(0, router, breaker, correlationContext: true);
                break;
            case "order":
                for (var i = 0; i < 64; i++)
                {
                    Log.Order(router, i, Log.Customer(i), i * 0.25);
                }

                break;
            default:
                throw new ArgumentException($"unknown workload '{workload}'");
        }

        var captured = router.Captured;
        if (workload == "sample-noex")
        {
            captured.RemoveAll(p => p.Exception is not null);
        }
        else if (workload == "sample-ex")
        {
            captured.RemoveAll(p => p.Exception is null);
        }

        return [.. captured];
    }

    private static double Median(List<double> values) => Medians.Of(values);

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
