using BenchmarkDotNet.Running;
using HybridLogging.Benchmarks.Peers;

// Modes that time whole runs (not BenchmarkDotNet): peers, paced, latency, memory, flush, chart, dispatch. Everything else goes to BDN.
if (args.Length > 0)
{
    switch (args[0])
    {
        case "peers":
            return PeerComparison.Run(args[1..]);
        case "latency":
            return LatencyMode.Run(args[1..]);
        case "memory":
            return MemoryMode.Run(args[1..]);
        case "chart":
            return ChartMode.Run(args[1..]);
        case "paced":
            return PacedMode.Run(args[1..]);
        case "dispatch":
            return HybridLogging.Benchmarks.Dispatch.DispatchMode.Run(args[1..]);
    }
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(PeerComparison).Assembly).Run(args);

// Non-zero when a benchmark failed to build or run, so eng/bench-dry.sh fails in CI.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
