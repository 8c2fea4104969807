namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>The records of one UTC hour of a batch, in batch order: the records one object sequence may hold.</summary>
internal sealed class HourGroup(long hour)
{
    /// <summary>The hour, as <see cref="TimeSpan.TicksPerHour"/> units since 0001-01-01 UTC.</summary>
    public long Hour { get; } = hour;

    public List<int> Indices { get; } = [];
}

/// <summary>
/// Splits a batch by the UTC hour of its records' own timestamps, so an object never mixes hours. Groups come in
/// order of hour, so the newest hour is the one left open for the next batch.
/// </summary>
internal static class RecordGroups
{
    public static List<HourGroup> ByHour(LogRecordBatch batch)
    {
        // Usually one hour, two around a boundary (entries from several threads arrive slightly out of order):
        // a list with a linear search beats a dictionary here, and keeps the groups in order of first appearance.
        var groups = new List<HourGroup>(1);
        for (var i = 0; i < batch.Count; i++)
        {
            var hour = batch[i].TimestampTicks / TimeSpan.TicksPerHour;
            HourGroup? group = null;
            foreach (var candidate in groups)
            {
                if (candidate.Hour == hour)
                {
                    group = candidate;
                    break;
                }
            }

            if (group is null)
            {
                group = new HourGroup(hour);
                groups.Add(group);
            }

            group.Indices.Add(i);
        }

        if (groups.Count > 1)
        {
            groups.Sort(static (a, b) => a.Hour.CompareTo(b.Hour));
        }

        return groups;
    }

    /// <summary>Hands the records not compressed yet back to the pipeline, which retries them after its backoff.</summary>
    public static void RetryFrom(LogRecordBatch batch, List<HourGroup> groups, int firstGroup, int start, string reason)
    {
        for (var g = firstGroup; g < groups.Count; g++)
        {
            var indices = groups[g].Indices;
            for (var k = g == firstGroup ? start : 0; k < indices.Count; k++)
            {
                batch.Retry(indices[k], reason);
            }
        }
    }
}
