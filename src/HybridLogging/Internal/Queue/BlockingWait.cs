using System.Diagnostics;

namespace HybridLogging.Internal;

/// <summary>One step of a Block-mode wait for queue room, shared by the pipeline queue and destination queues.</summary>
internal static class BlockingWait
{
    /// <summary>
    /// Returns false once <paramref name="deadline"/> (a <see cref="Stopwatch"/> timestamp) has passed; otherwise sleeps on
    /// <paramref name="room"/> for at most a millisecond (so a release that raced with the waiter's registration costs at
    /// most that) and returns true so the caller retries.
    /// </summary>
    public static bool Step(WakeSignal room, long deadline)
    {
        var remaining = deadline - Stopwatch.GetTimestamp();
        if (remaining <= 0)
        {
            return false;
        }

        room.Wait(TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerMillisecond, remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        return true;
    }
}
