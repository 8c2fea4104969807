using System.Threading.Channels;

namespace HybridLogging.Insights.Alerts.Notifiers;

/// <summary>
/// One notifier's bounded queue and the background loop that drains it, so a slow or hanging receiver delays only its
/// own notices (a full queue drops the newest notice, counted).
/// </summary>
internal sealed class NotifierQueue : IAsyncDisposable
{
    private readonly IAlertNotifier _notifier;
    private readonly AlertCounters _counters;
    private readonly Channel<Alert> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public NotifierQueue(string name, IAlertNotifier notifier, int capacity, AlertCounters counters)
    {
        Name = name;
        _notifier = notifier;
        _counters = counters;
        _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        // No ambient state (in particular the pipeline's logging suppression) flows into the loop.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public string Name { get; }

    public void Post(Alert alert)
    {
        if (_notifier.Accepts(alert) && !_queue.Writer.TryWrite(alert))
        {
            Interlocked.Increment(ref _counters.Dropped);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var alert in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _notifier.NotifyAsync(alert, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a notifier's failure must not end the loop; it is reported and the next notice goes on
            catch (Exception ex)
#pragma warning restore CA1031
            {
                HybridSelfLog.Report("insights-alert-notifier", $"Alert notifier '{Name}' failed: {ex.GetType().Name}.");
            }
        }
    }

    /// <summary>Lets the queued notices go out for up to <paramref name="drain"/>, then abandons the rest.</summary>
    public async ValueTask DisposeAsync(TimeSpan drain)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(drain).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _notifier.Dispose();
        _stop.Dispose();
    }

    public ValueTask DisposeAsync() => DisposeAsync(TimeSpan.FromSeconds(5));
}
