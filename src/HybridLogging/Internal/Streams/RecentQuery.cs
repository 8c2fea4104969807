namespace HybridLogging.Internal;

/// <summary>Answers <see cref="LogStreamManager.QueryLogs"/> from the streams' recent buffers.</summary>
internal static class RecentQuery
{
    /// <summary>The recent entries of the streams <paramref name="query"/> names (all by default), filtered, newest last.</summary>
    public static IReadOnlyList<LogEntry> Run(StreamRuntime[] streams, LogQuery? query)
    {
        var collected = new List<(long Sequence, LogEntry Entry)>();
        foreach (var stream in streams)
        {
            if (query?.StreamId is null || stream.Id == query.StreamId)
            {
                stream.Recent.CopyTo(collected);
            }
        }

        IEnumerable<LogEntry> result = collected.Select(c => c.Entry);
        if (query?.StreamId is null && streams.Length > 1)
        {
            // An entry matched by several streams is returned once (each stream's buffer builds its own object, so the
            // dispatch sequence tells them apart); order by time (stable for equal times).
            result = collected.DistinctBy(c => c.Sequence).Select(c => c.Entry).OrderBy(e => e.Timestamp);
        }

        if (query?.Filter is { } filter)
        {
            // The stream filters read the pipeline's view: each kept entry is loaded into one reused view to be matched.
            var compiled = new CompiledFilter(filter);
            var view = new LogEntryView();
            result = result.Where(entry =>
            {
                view.Load(entry);
                return compiled.Matches(view);
            });
        }

        var list = result.ToList();
        if (query?.Limit is { } limit && limit >= 0 && list.Count > limit)
        {
            list.RemoveRange(0, list.Count - limit);
        }

        return list;
    }
}
