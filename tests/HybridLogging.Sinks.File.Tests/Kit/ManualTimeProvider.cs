namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>A clock the test moves by hand (timers still run on the system clock).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
