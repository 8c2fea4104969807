using System.Buffers;
using BenchmarkDotNet.Attributes;
using HybridLogging.Benchmarks.Common;
using HybridLogging.Formatting;

namespace HybridLogging.Benchmarks.Formatting;

/// <summary>Cost of one entry (3 properties plus template) through <see cref="JsonLogFormatter"/> into a reused buffer.</summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class JsonFormattingBenchmarks
{
    private readonly JsonLogFormatter _formatter = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly LogEntry _entry = Entries.Order();

    [Benchmark]
    public int FormatEntry()
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(_entry, _buffer);
        return _buffer.WrittenCount;
    }
}
