namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>Tests that touch process-wide state (the self-log output, AWS environment variables) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "self-log";
}
