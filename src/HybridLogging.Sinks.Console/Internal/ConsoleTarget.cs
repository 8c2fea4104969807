namespace HybridLogging.Sinks.Console.Internal;

/// <summary>The streams a console sink writes to and whether each is an interactive terminal.</summary>
internal sealed record ConsoleTarget(Stream Output, Stream Error, bool OutputIsTerminal, bool ErrorIsTerminal)
{
    /// <summary>The process's standard output and error; a stream redirected to a file or pipe is not a terminal.</summary>
    public static ConsoleTarget Process() => new(
        System.Console.OpenStandardOutput(),
        System.Console.OpenStandardError(),
        !System.Console.IsOutputRedirected,
        !System.Console.IsErrorRedirected);
}
