namespace HybridRouter.Sample;

/// <summary>
/// Virtual time for the simulation: provider latency advances the clock instead of sleeping, so a run of any size
/// finishes at once and is repeatable, while the circuit breaker (which reads time through this provider) still sees
/// its sampling window and break duration pass.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private long _elapsedTicks;

    /// <summary>Virtual time elapsed since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start + Elapsed;

    /// <inheritdoc />
    public override long GetTimestamp() => Interlocked.Read(ref _elapsedTicks);

    /// <summary>Moves virtual time forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _elapsedTicks, by.Ticks);
}
