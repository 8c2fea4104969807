using System.Buffers;
using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Formatting;

/// <summary>
/// Cost of one entry of the shared workload (3 properties plus template) as JSON into a reused buffer: from a built
/// <see cref="LogEntry"/> (what a sink holding entry objects pays), and from the captured call: building the view
/// (what the dispatcher does once per entry) and then formatting it (once per formatter key).
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class JsonFormattingBenchmarks
{
    private readonly JsonLogFormatter _formatter = JsonLogFormatter.Instance;
    private readonly LogEntryView _view = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly LogEntry _entry = Entries.Order();
    private readonly PipelineSettings _settings = new(new HybridLoggingOptions());
    private readonly ViewBuilder _builder = new();
    private PendingEntry _pending = null!;

    [GlobalSetup]
    public void Setup()
    {
        var capture = new CaptureLogger(_settings.ResolveCategory(Loggers.Category));
        Log.Order(capture, 42, "contoso", 10.25);
        _pending = capture.Captured[0];
    }

    [Benchmark(Baseline = true)]
    public int FormatEntry()
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(_entry, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int BuildView() => BuildViewCore();

    [Benchmark]
    public int BuildViewAndFormat()
    {
        BuildViewCore();
        _buffer.ResetWrittenCount();
        _formatter.Write(_view, _buffer);
        return _buffer.WrittenCount;
    }

    private int BuildViewCore()
    {
        // Build reads the holder without returning it, so the same captured call can be viewed again.
        _builder.Build(_pending, _settings, _view, 1);
        return _view.PropertyCount;
    }
}
