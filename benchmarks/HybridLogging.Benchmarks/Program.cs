using BenchmarkDotNet.Running;
using HybridLogging.Benchmarks.Peers;

// Modes that time whole runs (not BenchmarkDotNet): peers, latency, memory, flush, chart. Everything else goes to BDN.
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
    }
}

BenchmarkSwitcher.FromAssembly(typeof(PeerComparison).Assembly).Run(args);
return 0;
