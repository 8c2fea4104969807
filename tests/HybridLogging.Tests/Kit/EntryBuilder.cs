using HybridLogging.Internal;

namespace HybridLogging.Tests.Kit;

/// <summary>Builds the entry a captured call becomes, through the dispatcher's own view (for tests of that path).</summary>
internal sealed class EntryBuilder
{
    private readonly ViewBuilder _builder = new();

    public LogEntry Build(PendingEntry pending, PipelineSettings settings)
    {
        var view = new LogEntryView();
        _builder.Build(pending, settings, view, 0);
        return view.ToLogEntry();
    }
}
