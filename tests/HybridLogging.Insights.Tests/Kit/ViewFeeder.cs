using System.Buffers;
using HybridLogging.Formatting;

namespace HybridLogging.Insights.Tests.Kit;

/// <summary>
/// Feeds <see cref="LogEntry"/> objects to an observer through the pipeline's own view (the public
/// <see cref="LogEntryFormatter.Write(LogEntry, IBufferWriter{byte})"/> loads the view and calls the formatter with it),
/// and measures what the observer allocates.
/// </summary>
internal sealed class ViewFeeder(ILogEntryObserver observer) : LogEntryFormatter
{
    private readonly ArrayBufferWriter<byte> _unused = new(1);

    public long AllocatedBytes { get; private set; }

    public override string Key => "test-feed";

    public void Feed(LogEntry entry) => Write(entry, _unused);

    public override void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        observer.OnEntry(entry);
        AllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
