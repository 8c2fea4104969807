using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using HybridLogging.Internal;

namespace HybridLogging.Benchmarks.Exceptions;

/// <summary>
/// What a calling thread pays to take a logged exception's details (<c>ErrorCapture.Snapshot</c>: type, message, stack
/// text, code) for a failure that repeats: 1,024 distinct exceptions thrown along the same frames, taken in turn. The
/// baseline reads <see cref="Exception.StackTrace"/>, which the snapshot did for every exception before stack texts were
/// shared. Shapes: the sample's (thrown and caught in one method), twelve frames deep, an async chain six awaits deep.
/// </summary>
[MemoryDiagnoser]
public class ExceptionCaptureBenchmarks
{
    private Exception[] _exceptions = [];
    private int _next;

    /// <summary>Where the exceptions were thrown.</summary>
    public enum ThrowShape
    {
        /// <summary>Thrown and caught in one method (the sample's).</summary>
        TwoFrames,

        /// <summary>Thrown ten calls down.</summary>
        TwelveFrames,

        /// <summary>Thrown six awaits down an async chain.</summary>
        AsyncChain,
    }

    [Params(ThrowShape.TwoFrames, ThrowShape.TwelveFrames, ThrowShape.AsyncChain)]
    public ThrowShape Shape { get; set; }

    [GlobalSetup]
    public void Setup() => _exceptions = [.. Enumerable.Range(0, 1024).Select(_ => Throw(Shape))];

    [Benchmark(Baseline = true)]
    public string? StackTraceText() => _exceptions[_next++ & 1023].StackTrace;

    [Benchmark]
    public LogError Snapshot() => ErrorCapture.Snapshot(_exceptions[_next++ & 1023]);

    private static Exception Throw(ThrowShape shape)
    {
        try
        {
            switch (shape)
            {
                case ThrowShape.TwoFrames:
                    throw new InvalidOperationException("provider failed");
                case ThrowShape.TwelveFrames:
                    Descend(10);
                    break;
                default:
                    Awaiting(6).GetAwaiter().GetResult();
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }

        throw new InvalidOperationException("not thrown");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Descend(int depth)
    {
        if (depth == 0)
        {
            throw new InvalidOperationException("provider failed");
        }

        Descend(depth - 1);
    }

    private static async Task Awaiting(int depth)
    {
        await Task.Yield();
        if (depth == 0)
        {
            throw new InvalidOperationException("provider failed");
        }

        await Awaiting(depth - 1);
    }
}
