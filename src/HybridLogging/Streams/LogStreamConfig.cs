namespace HybridLogging;

/// <summary>A named stream: filters that select entries and destinations that receive them.</summary>
public sealed class LogStreamConfig
{
    /// <summary>Identifier (the key when bound from configuration).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Display name. Default: the id.</summary>
    public string? Name { get; set; }

    /// <summary>Whether the stream routes entries. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Destinations of the stream.</summary>
    public List<LogDestinationConfig> Destinations { get; set; } = [];

    /// <summary>Filters of the stream; an entry enters the stream if any enabled filter passes it (none: every entry).</summary>
    public List<LogFilter> Filters { get; set; } = [];

    /// <summary>Whether matched entries raise <see cref="LogStreamManager.RealTimeLog"/> and reach stream subscribers. Default false.</summary>
    public bool RealTimeEnabled { get; set; }

    /// <summary>How many recent matched entries the stream keeps for <see cref="LogStreamManager.QueryLogs"/>. Default 1,000; 0 keeps none.</summary>
    public int BufferSize { get; set; } = 1_000;

    /// <summary>Asks destinations that support it (File rolls, S3, Elasticsearch, Kinesis) to gzip their payloads. Default false.</summary>
    public bool CompressionEnabled { get; set; }

    internal LogStreamConfig Clone() => new()
    {
        Id = Id,
        Name = Name,
        Enabled = Enabled,
        Destinations = [.. Destinations.Select(d => d.Clone())],
        Filters = [.. Filters.Select(f => f.Clone())],
        RealTimeEnabled = RealTimeEnabled,
        BufferSize = BufferSize,
        CompressionEnabled = CompressionEnabled,
    };

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            yield return "Stream: Id is required.";
            yield break;
        }

        if (BufferSize is < 0 or > 1_000_000)
        {
            yield return $"Stream '{Id}': BufferSize must be between 0 and 1000000 (was {BufferSize}).";
        }

        var filterIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var filter in Filters)
        {
            if (string.IsNullOrWhiteSpace(filter.Id))
            {
                yield return $"Stream '{Id}': every filter needs an Id.";
            }
            else if (!filterIds.Add(filter.Id))
            {
                yield return $"Stream '{Id}': filter id '{filter.Id}' is used twice.";
            }

            if (filter.From is { } from && filter.To is { } to && to <= from)
            {
                yield return $"Stream '{Id}': filter '{filter.Id}' has To ({to:O}) not after From ({from:O}).";
            }
        }

        var destinationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var destination in Destinations)
        {
            if (string.IsNullOrWhiteSpace(destination.Id))
            {
                yield return $"Stream '{Id}': every destination needs an Id.";
                continue;
            }

            if (!destinationIds.Add(destination.Id))
            {
                yield return $"Stream '{Id}': destination id '{destination.Id}' is used twice.";
            }

            if (string.IsNullOrWhiteSpace(destination.Type))
            {
                yield return $"Stream '{Id}': destination '{destination.Id}' needs a Type (for example \"File\").";
            }

            foreach (var filterId in destination.FilterIds)
            {
                if (!filterIds.Contains(filterId))
                {
                    yield return $"Stream '{Id}': destination '{destination.Id}' refers to unknown filter '{filterId}'.";
                }
            }

            foreach (var error in destination.ToSinkOptions().Validate($"{Id}/{destination.Id}"))
            {
                yield return "Stream " + error;
            }
        }
    }
}
