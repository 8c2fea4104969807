using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using NLog.Layouts;
using NLog.Targets;
using NLog.Targets.Wrappers;
using Serilog;
using Serilog.Formatting.Compact;
using ZLogger;

namespace HybridLogging.Benchmarks.Common;

/// <summary>The loggers compared, each built as an <see cref="ILoggerFactory"/> so every one is driven through ILogger.</summary>
public enum Peer
{
    HybridLogging,
    Serilog,
    NLog,
    ZLogger,
    MelConsole,
}

/// <summary>Builds each logger the same way for every benchmark: asynchronous, never dropping (block when full).</summary>
public static class Loggers
{
    public const string Category = "Bench.Orders";

    /// <summary>Asynchronous queue size for the peers (their usual defaults are 10,000 for Serilog/NLog).</summary>
    public const int PeerQueue = 10_000;

    /// <summary>
    /// A factory writing JSON lines to <paramref name="path"/> (or, when it is null, to a discarding target), minimum level
    /// Information. <paramref name="factoryMinimum"/> is MEL's own filter: set it lower to let a logger's own level gate decide
    /// (ZLogger and MEL console have no gate of their own). <paramref name="requestScopes"/>: the calls run inside
    /// <c>ILogger.BeginScope</c> scopes and some carry exceptions, so the peers write scope properties (and NLog's layout
    /// gets the exception); HybridLogging takes its ids from <c>CorrelationContext</c> either way.
    /// </summary>
    public static ILoggerFactory Create(Peer peer, string? path, LogLevel factoryMinimum = LogLevel.Information, bool requestScopes = false)
    {
        return peer switch
        {
            Peer.HybridLogging => LoggerFactory.Create(b =>
            {
                b.ClearProviders();
                b.SetMinimumLevel(factoryMinimum);
                b.AddHybridLogging(o =>
                {
                    ConfigureHybrid(o);
                    if (path is null)
                    {
                        o.AddSink("null", new NullSink(), s => s.FullMode = QueueFullMode.Block);
                    }
                    else
                    {
                        AddHybridFile(o, "file", path);
                    }
                });
            }),
            Peer.Serilog => CreateSerilog(path, factoryMinimum),
            Peer.NLog => CreateNLog(path, factoryMinimum, requestScopes),
            Peer.ZLogger => LoggerFactory.Create(b =>
            {
                b.ClearProviders();
                b.SetMinimumLevel(factoryMinimum);
                void Configure(ZLoggerOptions z)
                {
                    z.UseJsonFormatter(); // its default properties include scope key/values when IncludeScopes is on
                    z.IncludeScopes = requestScopes;
                    z.FullMode = BackgroundBufferFullMode.Block;
                    z.BackgroundBufferCapacity = PeerQueue;
                }

                if (path is null)
                {
                    b.AddZLoggerStream(Stream.Null, Configure);
                }
                else
                {
                    b.AddZLoggerFile(path, Configure);
                }
            }),
            Peer.MelConsole => LoggerFactory.Create(b =>
            {
                // Console.Out is redirected to a null writer by the caller; MEL's console queue waits when full by default.
                b.ClearProviders();
                b.SetMinimumLevel(factoryMinimum);
                b.AddJsonConsole(o => o.IncludeScopes = false);
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(peer)),
        };
    }

    /// <summary>
    /// The pipeline queue's capacity in HybridLogging runs when <c>peers --hybrid-queue N</c> sets one for an experiment on
    /// the setting itself (RESULTS.md says which runs); null keeps the library's default.
    /// </summary>
    public static int? HybridQueueCapacity { get; set; }

    /// <summary>
    /// The pipeline settings every HybridLogging run here uses: the library's defaults (batch size, scopes, flush
    /// interval, queue capacity unless <c>--hybrid-queue</c> sets one) except what every logger compared gets alike:
    /// minimum level Information, and block when full, never drop (with timeouts long enough that nothing is dropped).
    /// </summary>
    public static void ConfigureHybrid(HybridLoggingOptions o)
    {
        o.MinimumLevel = LogLevel.Information;
        o.FullMode = QueueFullMode.Block;
        o.BlockTimeout = TimeSpan.FromMinutes(1);
        if (HybridQueueCapacity is { } capacity)
        {
            o.QueueCapacity = capacity;
        }

        o.ShutdownTimeout = TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// A file destination that never rolls within a run (so one file holds every line to verify) and blocks when full,
    /// like the peers; its queue and its periodic sync to disk are the defaults.
    /// </summary>
    public static void AddHybridFile(HybridLoggingOptions o, string name, string path)
    {
        o.AddFile(
            name,
            f =>
            {
                f.Path = path;
                f.MaxFileSizeBytes = 64L * 1024 * 1024 * 1024;
            },
            s => s.FullMode = QueueFullMode.Block);
    }

    private static ILoggerFactory CreateSerilog(string? path, LogLevel factoryMinimum)
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Information();
        configuration = path is null
            ? configuration.WriteTo.Async(a => a.Sink(new NullSerilogSink()), bufferSize: PeerQueue, blockWhenFull: true)
            : configuration.WriteTo.Async(
                a => a.File(new CompactJsonFormatter(), path, buffered: true, fileSizeLimitBytes: null),
                bufferSize: PeerQueue,
                blockWhenFull: true);
        var logger = configuration.CreateLogger();
        return LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(factoryMinimum);
            b.AddSerilog(logger, dispose: true);
        });
    }

    private static ILoggerFactory CreateNLog(string? path, LogLevel factoryMinimum, bool requestScopes)
    {
        var layout = new JsonLayout
        {
            IncludeEventProperties = true,
            IncludeScopeProperties = requestScopes,
            Attributes =
            {
                new JsonAttribute("time", "${date:format=o:universalTime=true}"),
                new JsonAttribute("level", "${level:upperCase=true}"),
                new JsonAttribute("category", "${logger}"),
                new JsonAttribute("eventId", "${event-properties:EventId}") { Encode = false },
                new JsonAttribute("message", "${message}"),
            },
        };
        if (requestScopes)
        {
            layout.Attributes.Add(new JsonAttribute("exception", "${exception:format=tostring}"));
        }

        var config = new NLog.Config.LoggingConfiguration();
        Target target = path is null
            ? new NullTarget("null") { FormatMessage = true }
            : new FileTarget("file")
            {
                FileName = path,
                KeepFileOpen = true,
                AutoFlush = false,
                ArchiveAboveSize = 0,
                Layout = layout,
            };
        var async = new AsyncTargetWrapper("async", target)
        {
            OverflowAction = AsyncTargetWrapperOverflowAction.Block,
            QueueLimit = PeerQueue,
        };
        config.AddRule(NLog.LogLevel.Info, NLog.LogLevel.Fatal, async);
        var factory = new NLog.LogFactory { Configuration = config };
        var inner = LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(factoryMinimum);
            b.AddProvider(new NLogLoggerProvider(new NLogProviderOptions { ShutdownOnDispose = false }, factory));
        });

        // NLogLoggerProvider's ShutdownOnDispose closed the targets with the last async queue (10,000 lines) unwritten in
        // our runs, so Dispose flushes explicitly first, as NLog's docs advise before exit.
        return new FlushingFactory(inner, () =>
        {
            factory.Flush(TimeSpan.FromMinutes(1));
            factory.Shutdown();
        });
    }

    private sealed class FlushingFactory(ILoggerFactory inner, Action beforeDispose) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void Dispose()
        {
            beforeDispose();
            inner.Dispose();
        }
    }

    private sealed class NullSerilogSink : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
        }
    }
}
