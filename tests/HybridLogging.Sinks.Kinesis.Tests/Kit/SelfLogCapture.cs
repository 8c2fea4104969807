using System.Collections.Concurrent;

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>Collects <see cref="HybridSelfLog"/> output while alive (process-wide: tests using it share one collection).</summary>
internal sealed class SelfLogCapture : IDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();

    public SelfLogCapture() => HybridSelfLog.Enable(_messages.Enqueue);

    public IReadOnlyList<string> Messages => [.. _messages];

    public void Dispose() => HybridSelfLog.Disable();
}

/// <summary>Tests that capture the process-wide self-log run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "SelfLog";
}
