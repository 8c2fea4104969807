namespace HybridLogging.Benchmarks.Peers;

/// <summary>What the peers mode logs (<c>--workload</c>, comma-separated; default all three).</summary>
public enum Workload
{
    /// <summary><c>Order {OrderId} for {Customer} totals {Amount}</c>: names nothing lifts (1,024 customer names in turn), no scope, no exception.</summary>
    Order,

    /// <summary>The sample's own calls inside a per-request correlation context (peers: a scope), every peer, one file.</summary>
    Sample,

    /// <summary>The sample workload through HybridLogging's full configuration, against ZLogger's single-file run of it.</summary>
    Full,
}
