namespace HybridLogging.Tests.Kit;

/// <summary>
/// Bytes allocated by the current thread while a body runs, measured so that only the body's own allocations count.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts this thread only, so other threads' allocations never show;
/// but one-off work of the runtime on this thread does: the first calls JIT, the loop's on-stack replacement compiles
/// mid-loop, lazily created statics and pools fill on first use. A measurement that includes that work fails now and
/// then (1,344 and 3,136 bytes were seen for a loop that allocates nothing per call), more often while other tests load
/// the machine and delay tiering. So the body runs once unmeasured (warm-up), then is measured up to
/// <c>rounds</c> times and the smallest count is returned: per-call allocation shows in every round, one-off work in one.
/// </para>
/// <para>
/// Classes that use it belong to <see cref="AllocationCollection"/>, which xunit runs with no other test in parallel:
/// other tests share process-wide pools and the JIT with the body.
/// </para>
/// </remarks>
internal static class ThreadAllocations
{
    public static long Of(Action body, int rounds = 3)
    {
        body();
        var least = long.MaxValue;
        for (var round = 0; round < rounds && least > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}

/// <summary>Tests that count allocated bytes: run alone, with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation measurements";
}
