namespace HybridLogging.Internal;

/// <summary>Checks the destinations of streams declared in options before a change is applied (type and sink settings; opens nothing).</summary>
internal static class StreamDestinationCheck
{
    public static IEnumerable<string> Validate(IReadOnlyDictionary<string, LogStreamConfig> streams, SinkResolver resolver, HybridLoggingOptions options)
    {
        foreach (var (key, stream) in streams)
        {
            var id = string.IsNullOrWhiteSpace(stream.Id) ? key : stream.Id;
            foreach (var destination in stream.Destinations.Where(d => d.Enabled && !string.IsNullOrWhiteSpace(d.Type)))
            {
                var settings = ConfigSnapshot.FromSettings(destination.Settings);
                foreach (var error in resolver.Validate($"{id}/{destination.Id}", destination.Type, settings, stream.CompressionEnabled, options))
                {
                    yield return $"Stream '{id}': {error}";
                }
            }
        }
    }
}
