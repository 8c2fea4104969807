using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Diagnosers;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.DisabledCall;

/// <summary>
/// A [LoggerMessage] Debug call when the minimum is Information. MEL's factory filter is left at Trace wherever the
/// logger has its own level gate (HybridLogging, Serilog, NLog), so the logger itself decides; ZLogger and the MEL console
/// have no gate of their own and rely on the factory filter. "Direct" is the provider's ILogger without MEL's wrapper;
/// "FactoryFilter" is HybridLogging with MEL's filter at Information too (the configuration ZLogger and MEL console use here).
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class DisabledCallBenchmarks
{
    private ILoggerFactory _hybrid = null!;
    private ILoggerFactory _serilog = null!;
    private ILoggerFactory _nlog = null!;
    private ILoggerFactory _zlogger = null!;
    private ILoggerFactory _console = null!;
    private ILoggerFactory _hybridFiltered = null!;
    private ILogger _hybridFilteredLogger = null!;
    private HybridLoggerProvider _provider = null!;
    private ILogger _hybridLogger = null!;
    private ILogger _hybridDirect = null!;
    private ILogger _serilogLogger = null!;
    private ILogger _nlogLogger = null!;
    private ILogger _zloggerLogger = null!;
    private ILogger _consoleLogger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hybrid = Loggers.Create(Peer.HybridLogging, null, factoryMinimum: LogLevel.Trace);
        _serilog = Loggers.Create(Peer.Serilog, null, factoryMinimum: LogLevel.Trace);
        _nlog = Loggers.Create(Peer.NLog, null, factoryMinimum: LogLevel.Trace);
        _zlogger = Loggers.Create(Peer.ZLogger, null);
        _console = Loggers.Create(Peer.MelConsole, null);
        _hybridFiltered = Loggers.Create(Peer.HybridLogging, null);
        _hybridFilteredLogger = _hybridFiltered.CreateLogger(Loggers.Category);
        _provider = new HybridLoggerProvider(new HybridLoggingOptions { MinimumLevel = LogLevel.Information });
        _hybridLogger = _hybrid.CreateLogger(Loggers.Category);
        _hybridDirect = _provider.CreateLogger(Loggers.Category);
        _serilogLogger = _serilog.CreateLogger(Loggers.Category);
        _nlogLogger = _nlog.CreateLogger(Loggers.Category);
        _zloggerLogger = _zlogger.CreateLogger(Loggers.Category);
        _consoleLogger = _console.CreateLogger(Loggers.Category);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hybrid.Dispose();
        _serilog.Dispose();
        _nlog.Dispose();
        _zlogger.Dispose();
        _console.Dispose();
        _hybridFiltered.Dispose();
        _provider.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void HybridLogging() => Log.DebugOrder(_hybridLogger, 42, "contoso", 12.5);

    [Benchmark]
    public void HybridLogging_Direct() => Log.DebugOrder(_hybridDirect, 42, "contoso", 12.5);

    /// <summary>The usual app setup: MEL's SetMinimumLevel(Information) rejects the call before any provider sees it.</summary>
    [Benchmark]
    public void HybridLogging_FactoryFilter() => Log.DebugOrder(_hybridFilteredLogger, 42, "contoso", 12.5);

    [Benchmark]
    public void Serilog() => Log.DebugOrder(_serilogLogger, 42, "contoso", 12.5);

    [Benchmark]
    public void NLog() => Log.DebugOrder(_nlogLogger, 42, "contoso", 12.5);

    [Benchmark]
    public void ZLogger() => Log.DebugOrder(_zloggerLogger, 42, "contoso", 12.5);

    [Benchmark]
    public void MelConsole() => Log.DebugOrder(_consoleLogger, 42, "contoso", 12.5);
}
