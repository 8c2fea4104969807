using System.Diagnostics;
using System.Globalization;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// Memory held by 10,000 buffered entries (FlushInterval 1 h, batch larger than the count, so nothing is written) and
/// the time of FlushAsync() with 1,000 entries buffered for a file (repeated; median and max).
/// </summary>
public static class MemoryMode
{
    public static int Run(string[] args)
    {
        var buffered = PeerComparison.IntArg(args, "--entries", 10_000);
        var flushRepeats = PeerComparison.IntArg(args, "--flushes", 20);
        using var dir = new TempDir("memory");

        var (provider, logger) = Create(dir.File("mem.json"));
        // Warm up: types, pools and code paths exist before the baseline.
        for (var i = 0; i < 2_000; i++)
        {
            Log.Order(logger, i, "contoso", 12.5);
        }

        provider.FlushAsync().GetAwaiter().GetResult();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < buffered; i++)
        {
            Log.Order(logger, i, "contoso", 12.5);
        }

        while (provider.GetStats().Dispatched < 2_000 + buffered)
        {
            Thread.Sleep(1);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var stats = provider.GetStats();
        var queued = stats.Sinks.Sum(s => s.QueueLength);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {buffered:N0} buffered entries | managed memory delta {(after - before) / 1024.0 / 1024.0:F2} MB | {(after - before) / (double)buffered:N0} B/entry | in the destination's queue: {queued:N0} (the rest sits in its pending batch; none written) |"));
        provider.Dispose();

        var (flushProvider, flushLogger) = Create(dir.File("flush.json"));
        var times = new List<double>();
        for (var r = 0; r < flushRepeats + 2; r++)
        {
            var target = flushProvider.GetStats().Dispatched + 1_000;
            for (var i = 0; i < 1_000; i++)
            {
                Log.Order(flushLogger, i, "contoso", 12.5);
            }

            while (flushProvider.GetStats().Dispatched < target)
            {
                Thread.Sleep(1);
            }

            var started = Stopwatch.GetTimestamp();
            flushProvider.FlushAsync().GetAwaiter().GetResult();
            if (r >= 2)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        flushProvider.Dispose();
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| FlushAsync of 1,000 buffered entries to a file (incl. fsync) | median {times[times.Count / 2]:F2} ms | max {times[^1]:F2} ms | n={times.Count} |"));
        return 0;
    }

    private static (HybridLoggerProvider Provider, ILogger Logger) Create(string path)
    {
        var options = new HybridLoggingOptions
        {
            FlushInterval = TimeSpan.FromHours(1),
            BatchSize = 50_000,
        };
        options.AddFile("file", f =>
        {
            f.Path = path;
            f.FlushToDiskInterval = TimeSpan.FromHours(1);
            f.MaxFileSizeBytes = 1L << 32;
        }, s => s.QueueCapacity = 50_000);
        var provider = new HybridLoggerProvider(options);
        return (provider, provider.CreateLogger(Loggers.Category));
    }
}
