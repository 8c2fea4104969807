namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>Waits for a condition the pipeline reaches on its own threads (polling with a timeout, never a bare sleep).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not reached in time.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
