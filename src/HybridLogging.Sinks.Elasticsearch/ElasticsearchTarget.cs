namespace HybridLogging;

/// <summary>Where the Elasticsearch sink puts documents.</summary>
public enum ElasticsearchTarget
{
    /// <summary>A data stream (<see cref="ElasticsearchSinkOptions.DataStream"/>), written with the <c>create</c> action.</summary>
    DataStream = 0,

    /// <summary>An index named from the entry's timestamp (<see cref="ElasticsearchSinkOptions.IndexFormat"/>), written with the <c>index</c> action.</summary>
    Index = 1,
}
