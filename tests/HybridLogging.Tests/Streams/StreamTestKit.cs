using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>Sinks and factories for stream tests: every created sink is kept by destination name ("stream/destination").</summary>
internal sealed class RecordingSinkFactory : ILogSinkFactory
{
    public const string TypeName = "Recording";

    public ConcurrentDictionary<string, RecordingSink> Sinks { get; } = new();

    public string Type => TypeName;

    public ILogSink Create(LogSinkContext context)
    {
        var sink = new RecordingSink(context.Configuration["Block"] == "true") { Compression = context.CompressionEnabled, Fails = context.Configuration["Fail"] == "true" };
        Sinks[context.Name] = sink;
        return sink;
    }

    public RecordingSink this[string name] => Sinks[name];
}

internal sealed class RecordingSink(bool block) : ILogSink
{
    private readonly List<LogEntry> _entries = [];
    private readonly TaskCompletionSource _never = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public bool Compression { get; init; }

    /// <summary>Every write throws (setting <c>Fail</c>).</summary>
    public bool Fails { get; init; }

    public bool Disposed { get; private set; }

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public List<LogEntry> Snapshot()
    {
        lock (_entries)
        {
            return [.. _entries];
        }
    }

    /// <summary>Completes once the sink holds at least <paramref name="count"/> entries.</summary>
    public Task WaitForCountAsync(int count)
    {
        lock (_entries)
        {
            if (_entries.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        if (block)
        {
            await _never.Task; // blocked forever, ignoring cancellation
        }

        if (Fails)
        {
            throw new InvalidOperationException("the destination is down");
        }

        lock (_entries)
        {
            _entries.AddRange(batch);
            foreach (var waiter in _waiters.Where(w => _entries.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal static class StreamKit
{
    public static HybridLoggingOptions Options(RecordingSinkFactory factory, Action<HybridLoggingOptions>? configure = null)
    {
        var options = new HybridLoggingOptions { BatchSize = 50, FlushInterval = TimeSpan.FromMilliseconds(50), ShutdownTimeout = TimeSpan.FromSeconds(5) };
        options.AddSinkFactory(factory);
        configure?.Invoke(options);
        return options;
    }

    public static LogStreamConfig Stream(string id, params LogDestinationConfig[] destinations) =>
        new() { Id = id, Destinations = [.. destinations] };

    public static LogDestinationConfig Destination(string id, params string[] filterIds) =>
        new() { Id = id, Type = RecordingSinkFactory.TypeName, FilterIds = [.. filterIds], QueueCapacity = 1 << 20 };

    public static LogEntry Entry(int seq, LogLevel level = LogLevel.Information, string source = "HybridRouter", string? correlationId = null, string message = "message", DateTimeOffset? timestamp = null, string? tier = null)
    {
        var properties = new List<KeyValuePair<string, object?>> { new("seq", seq) };
        if (tier is not null)
        {
            properties.Add(new("tier", tier));
        }

        return new LogEntry
        {
            Timestamp = timestamp ?? DateTimeOffset.UtcNow,
            Level = level,
            Source = source,
            Category = "Tests." + source,
            Message = message,
            CorrelationId = correlationId,
            Properties = properties,
        };
    }

    public static int Seq(this LogEntry entry) => (int)entry.GetProperty("seq")!;
}
