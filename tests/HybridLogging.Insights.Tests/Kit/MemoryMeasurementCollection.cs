namespace HybridLogging.Insights.Tests.Kit;

/// <summary>Tests that read process-wide GC figures run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}
