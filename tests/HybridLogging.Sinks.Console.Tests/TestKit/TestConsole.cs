using HybridLogging.Sinks.Console.Internal;

namespace HybridLogging.Sinks.Console.Tests.TestKit;

/// <summary>A console sink over in-memory streams.</summary>
internal sealed class TestConsole
{
    public CountingStream Output { get; } = new();

    public CountingStream Error { get; } = new();

    public ConsoleSink CreateSink(ConsoleSinkOptions? options = null, bool isTerminal = false) =>
        CreateSink(options, isTerminal, isTerminal);

    public ConsoleSink CreateSink(ConsoleSinkOptions? options, bool outputIsTerminal, bool errorIsTerminal) =>
        new(options ?? new ConsoleSinkOptions(), new ConsoleTarget(Output, Error, outputIsTerminal, errorIsTerminal));
}
