using System.Diagnostics;
using System.Globalization;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// Real-time subscriber latency: ILogger.Log paced at a fixed rate (default 100,000/s) on one thread, a subscriber from
/// LogStreamManager.Subscribe reading on another; latency = receipt minus call (Stopwatch). The first second is warm-up.
/// </summary>
/// <remarks>
/// <c>--pace yield</c> (default) waits for each send time with <c>Thread.Yield()</c>, so the calling thread gives its core
/// to other runnable threads, as a request thread that is not logging would; <c>--pace spin</c> busy-waits, which keeps
/// one of the machine's cores fully busy for the whole run. On 2 cores the spinning pacer leaves the dispatcher and the
/// subscriber's thread-pool thread one core between them, and the subscriber then waits for a scheduler time slice.
/// </remarks>
public static class LatencyMode
{
    public static int Run(string[] args)
    {
        var rate = PeerComparison.IntArg(args, "--rate", 100_000);
        var seconds = PeerComparison.IntArg(args, "--seconds", 4);
        var total = rate * seconds;
        var warmup = rate;
        var spin = PeerComparison.StringArg(args, "--pace", "yield") == "spin";
        var sent = new long[total];
        var latencies = new double[total];

        var provider = new HybridLoggerProvider(new HybridLoggingOptions());
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider));
        var logger = factory.CreateLogger(Loggers.Category);
        var subscription = provider.Streams.Subscribe(null, 1 << 20);
        var received = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var entry in subscription)
            {
                var now = Stopwatch.GetTimestamp();
                var i = (int)entry.GetProperty("OrderId")!;
                latencies[i] = Stopwatch.GetElapsedTime(sent[i], now).TotalMilliseconds;
                if (++received == total)
                {
                    break;
                }
            }
        });

        var interval = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                if (spin)
                {
                    Thread.SpinWait(10);
                }
                else
                {
                    Thread.Yield();
                }
            }

            sent[i] = Stopwatch.GetTimestamp();
            Log.Order(logger, i, "contoso", 12.5);
        }

        var achieved = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (!reader.Wait(TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine($"Only {received:N0} of {total:N0} entries reached the subscriber (missed {subscription.Missed:N0}).");
            return 1;
        }

        var measured = latencies.AsSpan(warmup).ToArray();
        Array.Sort(measured);
        static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| subscriber latency ({(spin ? "spin" : "yield")}-paced) | rate {achieved:N0}/s | n={measured.Length:N0} | p50 {P(measured, 0.50) * 1000:F1} µs | p99 {P(measured, 0.99) * 1000:F1} µs | p99.9 {P(measured, 0.999) * 1000:F1} µs | max {measured[^1]:F2} ms | missed {subscription.Missed} |"));
        return 0;
    }
}
