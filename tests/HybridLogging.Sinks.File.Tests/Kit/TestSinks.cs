using HybridLogging.Sinks.File.Internal;

namespace HybridLogging.Sinks.File.Tests.Kit;

/// <summary>File sinks writing <c>log.json</c> in a test's folder.</summary>
internal static class TestSinks
{
    /// <summary>A sink on <c>log.json</c> keeping up to 100 files, on a manual clock at <see cref="Some.Time"/> unless one is given.</summary>
    public static FileSink File(TempFolder folder, Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file")
    {
        var options = new FileSinkOptions { Path = folder.Combine("log.json"), RetainedFileCount = 100 };
        configure(options);
        return new FileSink(name, options, clock ?? new ManualTimeProvider(Some.Time));
    }
}
