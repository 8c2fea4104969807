using HybridLogging.Internal;

namespace HybridLogging;

/// <summary>Applying declared streams (configuration or code) and retiring the destinations a change replaces.</summary>
public sealed partial class LogStreamManager
{
    /// <summary>
    /// Applies the streams declared in options (configuration or code): creates, updates and removes those streams only.
    /// Returns one message per stream that could not be applied (it keeps its previous version); the caller reports them.
    /// </summary>
    internal IReadOnlyList<string> ApplyConfiguration(IReadOnlyDictionary<string, LogStreamConfig> declared)
    {
        var errors = new List<string>();
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, config) in declared)
            {
                var copy = config.Clone();
                if (string.IsNullOrWhiteSpace(copy.Id))
                {
                    copy.Id = key;
                }

                seen.Add(copy.Id);
                try
                {
                    if (Find(copy.Id) is null)
                    {
                        CreateStream(copy);
                    }
                    else
                    {
                        UpdateStream(copy);
                    }

                    _configuredIds.Add(copy.Id);
                }
                catch (Exception ex)
                {
                    errors.Add($"Stream '{copy.Id}' was not applied: {ex.Message}");
                }
            }

            foreach (var id in _configuredIds.Where(id => !seen.Contains(id)).ToList())
            {
                _ = RemoveStreamAsync(id);
            }
        }

        return errors;
    }

    private static LogStreamConfig Normalize(LogStreamConfig config)
    {
        var copy = config.Clone();
        copy.Name ??= copy.Id;
        var errors = copy.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(config));
        }

        return copy;
    }

    /// <summary>
    /// Stops replaced or removed destinations once the dispatcher uses the routes without them (<paramref name="applied"/>):
    /// records it formatted for them before that are still handed to them, and written.
    /// </summary>
    private List<Task> Retire(List<(SinkWorker Worker, StreamCounters Counters, TaskCompletionSource? Stopped)> retired, Task applied)
    {
        var tasks = new List<Task>();
        foreach (var (worker, counters, stopped) in retired)
        {
            counters.BeginRetire(worker);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await HybridLoggerProvider.WhenApplied(applied, _provider.Options.ShutdownTimeout).ConfigureAwait(false);
                    await worker.StopAsync(_provider.Options.ShutdownTimeout).ConfigureAwait(false);
                    counters.EndRetire(worker);
                }
                finally
                {
                    stopped?.TrySetResult();
                }
            }));
        }

        return tasks;
    }
}
