using System.Globalization;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Sinks.Console.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// HybridLogging with everything a service might turn on at once: the file sink, the console sink with standard output
/// redirected to a file (JSON lines, as the console sink writes when redirected), a stream with a level filter (Warning
/// and above) to a second file, and (optionally) one live subscriber (<c>Streams.Subscribe()</c>, default capacity) read by a task
/// that counts what it receives; optionally (<c>paced --realtime</c>) the stream also raises <c>RealTimeLog</c>, counted by a
/// handler. Every destination blocks when full; the subscriber, by design, drops its oldest
/// buffered entries when its reader falls behind (counted as missed), and the pipeline never waits for it.
/// </summary>
public sealed class FullConfiguration : IDisposable
{
    public const string StreamId = "warnings";

    private readonly ServiceProvider _services;
    private readonly RedirectedStdout _stdout;
    private readonly LogSubscription? _subscription;
    private readonly Task<long>? _reader;
    private long _realTimeEvents;

    /// <summary>
    /// Builds the configuration writing under <paramref name="root"/> (one sub-folder per output) and, when
    /// <paramref name="subscriber"/> is set, starts the subscriber.
    /// </summary>
    public FullConfiguration(string root, bool subscriber, bool realTime = false)
    {
        FileFolder = Directory.CreateDirectory(Path.Combine(root, "file")).FullName;
        ConsoleFolder = Directory.CreateDirectory(Path.Combine(root, "console")).FullName;
        StreamFolder = Directory.CreateDirectory(Path.Combine(root, "stream")).FullName;
        _stdout = new RedirectedStdout(Path.Combine(ConsoleFolder, "stdout.json"));

        // The console sink's internal seam takes the streams it writes; "not a terminal" makes it pick JSON lines by
        // itself, as it does for a redirected standard output (Format is left automatic on purpose).
        var console = new ConsoleSink(new ConsoleSinkOptions(), new ConsoleTarget(_stdout, _stdout, OutputIsTerminal: false, ErrorIsTerminal: false));
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(LogLevel.Information);
            b.AddHybridLogging(o =>
            {
                Loggers.ConfigureHybrid(o);
                Loggers.AddHybridFile(o, "file", Path.Combine(FileFolder, "log.json"));
                o.AddSink("console", console, s => s.FullMode = QueueFullMode.Block);
                o.AddStream(new LogStreamConfig
                {
                    Id = StreamId,
                    RealTimeEnabled = realTime,
                    Filters = [new LogFilter { Id = "warning-and-above", MinimumLevel = LogLevel.Warning }],
                    Destinations =
                    [
                        new LogDestinationConfig
                        {
                            Id = "warnings-file",
                            Type = "File",
                            Settings =
                            {
                                ["Path"] = Path.Combine(StreamFolder, "warnings.json"),
                                ["MaxFileSizeBytes"] = (64L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                            },
                            FullMode = QueueFullMode.Block,
                        },
                    ],
                });
            });
        });
        _services = services.BuildServiceProvider();
        Factory = _services.GetRequiredService<ILoggerFactory>();
        if (realTime)
        {
            _services.GetRequiredService<HybridLoggerProvider>().Streams.RealTimeLog += (_, _) => Interlocked.Increment(ref _realTimeEvents);
        }

        if (!subscriber)
        {
            return;
        }

        var provider = _services.GetRequiredService<HybridLoggerProvider>();
        _subscription = provider.Streams.Subscribe();
        var subscription = _subscription;
        _reader = Task.Run(async () =>
        {
            long received = 0;
            await foreach (var entry in ((IAsyncEnumerable<LogEntry>)subscription).ConfigureAwait(false))
            {
                received++;
            }

            return received;
        });
    }

    public ILoggerFactory Factory { get; }

    /// <summary><c>RealTimeLog</c> events handled so far.</summary>
    public long RealTimeEvents => Interlocked.Read(ref _realTimeEvents);

    public string FileFolder { get; }

    public string ConsoleFolder { get; }

    public string StreamFolder { get; }

    /// <summary>
    /// Drains the pipeline (every destination written, the subscription completed), then waits for the subscriber's
    /// reader to finish and returns what it received and what its buffer dropped (null without a subscriber).
    /// </summary>
    public (long Received, long Missed)? Shutdown()
    {
        _services.Dispose();
        _stdout.Dispose();
        if (_reader is null || _subscription is null)
        {
            return null;
        }

        var received = _reader.Wait(TimeSpan.FromMinutes(1)) ? _reader.Result : -1;
        return (received, _subscription.Missed);
    }

    public void Dispose()
    {
        _services.Dispose();
        _stdout.Dispose();
    }
}
