namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>Tests that enable the process-wide self-log callback run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "self-log";
}
