namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>
/// Tests that enable the process-wide self-log callback run one at a time: run in parallel, one test's
/// <c>HybridSelfLog.Disable()</c> (or its own <c>Enable</c>) took the callback from the other, whose expected report
/// then never arrived.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "self-log";
}
