using System.Globalization;
using System.Threading.Channels;
using HybridLogging.Insights.Alerts.Notifiers;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Alerts;

/// <summary>
/// Hands each notice, off the dispatcher and timer threads, to the C# events, to every <c>ReadAlertsAsync</c> reader
/// (a bounded channel each, the oldest notice dropped when a reader falls behind) and to every notifier's queue.
/// </summary>
internal sealed class AlertFanOut : IAsyncDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);
    private readonly AlertCounters _counters;
    private readonly TimeProvider _time;
    private readonly Func<ILoggerFactory?> _loggerFactory;
    private readonly Action<Alert> _publish;
    private readonly Channel<Alert> _outbox;
    private readonly Lock _gate = new();
    private readonly List<Task> _retiring = [];
    private readonly Task _loop;
    private Channel<Alert>[] _readers = [];
    private NotifierQueue[] _notifiers = [];
    private string? _notifierFingerprint;
    private int _queueSize;
    private bool _disposed;

    public AlertFanOut(int queueSize, AlertCounters counters, TimeProvider time, Func<ILoggerFactory?> loggerFactory, Action<Alert> publish)
    {
        _queueSize = queueSize;
        _counters = counters;
        _time = time;
        _loggerFactory = loggerFactory;
        _publish = publish;
        _outbox = Channel.CreateBounded<Alert>(new BoundedChannelOptions(queueSize) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public int WebhookCount { get; private set; }

    /// <summary>Queues a notice; never blocks (a full queue drops it, counted).</summary>
    public void Post(Alert alert)
    {
        if (!_outbox.Writer.TryWrite(alert))
        {
            Interlocked.Increment(ref _counters.Dropped);
        }
    }

    /// <summary>
    /// Rebuilds the notifiers when their settings changed; rejected webhooks add their reasons to <paramref name="problems"/>
    /// and their fingerprints to <paramref name="rejected"/>.
    /// </summary>
    public void Configure(AlertOptions options, int queueSize, List<string> problems, HashSet<string> rejected)
    {
        var webhooks = new List<(string Name, WebhookOptions Options)>();
        foreach (var (name, webhook) in options.Webhooks)
        {
            if (webhook is null)
            {
                continue;
            }

            var errors = webhook.Validate(name);
            if (errors.Count > 0)
            {
                problems.AddRange(errors);
                rejected.Add("webhook\n" + webhook.Fingerprint(name));
                continue;
            }

            webhooks.Add((name, webhook));
        }

        var fingerprint = string.Join('\0', [options.LogNotices.ToString(), queueSize.ToString(CultureInfo.InvariantCulture), .. webhooks.Select(w => w.Options.Fingerprint(w.Name))]);
        lock (_gate)
        {
            _queueSize = queueSize;
            if (_disposed || fingerprint == _notifierFingerprint)
            {
                return;
            }

            var queues = new List<NotifierQueue>();
            if (options.LogNotices)
            {
                queues.Add(new NotifierQueue(LogNoticeNotifier.Category, new LogNoticeNotifier(_loggerFactory, _counters), queueSize, _counters));
            }

            foreach (var (name, webhook) in webhooks)
            {
                queues.Add(new NotifierQueue(name, new WebhookNotifier(name, webhook, _time, _counters), queueSize, _counters));
            }

            var retired = _notifiers;
            Volatile.Write(ref _notifiers, [.. queues]);
            _notifierFingerprint = fingerprint;
            WebhookCount = webhooks.Count;
            if (retired.Length > 0)
            {
                // The replaced notifiers finish what they hold in the background.
                _retiring.Add(Task.Run(async () => await DisposeAllAsync(retired).ConfigureAwait(false)));
            }
        }
    }

    public Channel<Alert> Subscribe()
    {
        Channel<Alert> channel;
        lock (_gate)
        {
            channel = Channel.CreateBounded<Alert>(
                new BoundedChannelOptions(_queueSize) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest },
                _ => Interlocked.Increment(ref _counters.Dropped));
            if (_disposed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                Volatile.Write(ref _readers, [.. _readers, channel]);
            }
        }

        return channel;
    }

    public void Unsubscribe(Channel<Alert> channel)
    {
        lock (_gate)
        {
            Volatile.Write(ref _readers, [.. _readers.Where(r => r != channel)]);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var alert in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _publish(alert);
            foreach (var reader in Volatile.Read(ref _readers))
            {
                reader.Writer.TryWrite(alert);
            }

            foreach (var notifier in Volatile.Read(ref _notifiers))
            {
                notifier.Post(alert);
            }
        }
    }

    private static async Task DisposeAllAsync(NotifierQueue[] queues)
    {
        await Task.WhenAll(queues.Select(q => q.DisposeAsync(Drain).AsTask())).ConfigureAwait(false);
    }

    /// <summary>Delivers what is queued (for up to 5 seconds per notifier), then ends every reader's enumeration.</summary>
    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _loop.WaitAsync(Drain).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        NotifierQueue[] notifiers;
        Task[] retiring;
        lock (_gate)
        {
            _disposed = true;
            foreach (var reader in _readers)
            {
                reader.Writer.TryComplete();
            }

            _readers = [];
            notifiers = _notifiers;
            _notifiers = [];
            retiring = [.. _retiring];
        }

        await DisposeAllAsync(notifiers).ConfigureAwait(false);
        await Task.WhenAll(retiring).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
