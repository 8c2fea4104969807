using System.Buffers;
using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Formatting;

/// <summary>
/// Cost of one entry of the shared workload (3 properties plus template) as JSON into a reused buffer: from a built
/// <see cref="LogEntry"/> (<see cref="JsonLogFormatter"/>), building the entry first (the general path), and straight
/// from the captured call (the direct path the dispatcher takes for JSON-lines destinations).
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class JsonFormattingBenchmarks
{
    private readonly JsonLogFormatter _formatter = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly LogEntry _entry = Entries.Order();
    private readonly PipelineSettings _settings = new(new HybridLoggingOptions());
    private EntryBuilder _builder = null!;
    private DirectJsonWriter _direct = null!;
    private PendingEntry _pending = null!;

    [GlobalSetup]
    public void Setup()
    {
        _builder = new EntryBuilder();
        _direct = new DirectJsonWriter(_builder);
        var capture = new CaptureLogger();
        Log.Order(capture, 42, "contoso", 10.25);
        _pending = capture.Captured!;
        _pending.TimestampTicks = DateTime.UtcNow.Ticks;
        _pending.Category = _settings.ResolveCategory(Loggers.Category);
    }

    [Benchmark(Baseline = true)]
    public int FormatEntry()
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(_entry, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int BuildAndFormatEntry()
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(_builder.Build(_pending, _settings), _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int DirectFromCapturedCall()
    {
        _buffer.ResetWrittenCount();
        _direct.TryWrite(_pending, _settings, _buffer);
        return _buffer.WrittenCount;
    }

    private sealed class CaptureLogger : ILogger
    {
        public PendingEntry? Captured { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pending = PendingEntry<TState>.Rent(state, formatter);
            pending.Level = logLevel;
            pending.EventId = eventId;
            Captured = pending;
        }
    }
}
