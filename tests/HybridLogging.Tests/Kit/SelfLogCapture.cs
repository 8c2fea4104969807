using System.Collections.Concurrent;

namespace HybridLogging.Tests.Kit;

/// <summary>
/// Captures HybridSelfLog output. The self-log callback is process-wide, so captures are serialized across tests and
/// assertions should look for messages specific to the test.
/// </summary>
internal sealed class SelfLogCapture
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => [.. _messages];

    public IDisposable Start()
    {
        Gate.Wait(TestContext.Current.CancellationToken);
        HybridSelfLog.Enable(_messages.Enqueue);
        return new Stop();
    }

    private sealed class Stop : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                HybridSelfLog.Disable();
                Gate.Release();
            }
        }
    }
}
