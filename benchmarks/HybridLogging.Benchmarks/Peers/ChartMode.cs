using System.Text.Json;
using ScottPlot;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// Draws entries/s per logger and thread count for one workload (<c>--workload</c>, default order) from a peers result
/// file (written by <c>peers --out</c>).
/// </summary>
public static class ChartMode
{
    public static int Run(string[] args)
    {
        var input = PeerComparison.StringArg(args, "--in", "benchmarks/peers.json")!;
        var output = PeerComparison.StringArg(args, "--out", "benchmarks/peers.png")!;
        var workload = PeerComparison.StringArg(args, "--workload", "order")!.ToLowerInvariant();
        var results = JsonSerializer.Deserialize<List<PeerResult>>(File.ReadAllText(input))!.Where(r => r.Workload == workload).ToList();
        var loggers = results.Select(r => r.Name).Distinct().ToArray();
        var threadCounts = results.Select(r => r.Threads).Distinct().Order().ToArray();

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var t = 0; t < threadCounts.Length; t++)
        {
            for (var l = 0; l < loggers.Length; l++)
            {
                var r = results.FirstOrDefault(x => x.Name == loggers[l] && x.Threads == threadCounts[t]);
                if (r is null)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = l * (threadCounts.Length + 1) + t,
                    Value = r.EntriesPerSecond / 1e6,
                    FillColor = palette.GetColor(t),
                    Label = $"{r.EntriesPerSecond / 1e6:F2}",
                });
            }
        }

        plot.Add.Bars(bars.ToArray());
        var ticks = loggers.Select((name, l) => new Tick(l * (threadCounts.Length + 1) + (threadCounts.Length - 1) / 2.0, name)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("million entries/s (JSON lines to file, until Dispose)");
        plot.Title($"End to end throughput, workload {workload}, {results.FirstOrDefault()?.Entries ?? 0:N0} entries (median)");
        for (var t = 0; t < threadCounts.Length; t++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{threadCounts[t]} thread(s)", FillColor = palette.GetColor(t) });
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(output, 900, 500);
        Console.WriteLine($"Wrote {output}");
        return 0;
    }
}
