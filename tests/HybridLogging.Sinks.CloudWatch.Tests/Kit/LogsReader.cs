using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;

namespace HybridLogging.Sinks.CloudWatch.Tests.Kit;

/// <summary>Reads logs back through the service API (signed GetLogEvents / DescribeLogStreams / DescribeLogGroups calls).</summary>
internal sealed class LogsReader(CloudWatchLogsEmulator emulator) : IDisposable
{
    private readonly AwsJsonClient _client = new(CloudWatchLogsClient.Service, Emulated.Connection(emulator));

    public sealed record Event(long Timestamp, string Message, long IngestionTime);

    public sealed record EventsPage(Event[] Events, string? NextForwardToken);

    public sealed record Stream(string LogStreamName, long StoredBytes);

    public sealed record StreamsPage(Stream[] LogStreams);

    public sealed record Group(string LogGroupName, int? RetentionInDays);

    public sealed record GroupsPage(Group[] LogGroups);

    public async Task<IReadOnlyList<string>> StreamsAsync(string group, CancellationToken ct)
    {
        var page = await _client.SendAsync("DescribeLogStreams", new Dictionary<string, object> { ["logGroupName"] = group }, Info<Dictionary<string, object>>(), Info<StreamsPage>(), ct);
        return [.. page.LogStreams.Select(s => s.LogStreamName)];
    }

    public async Task<Group?> GroupAsync(string group, CancellationToken ct)
    {
        var page = await _client.SendAsync("DescribeLogGroups", new Dictionary<string, object> { ["logGroupNamePrefix"] = group }, Info<Dictionary<string, object>>(), Info<GroupsPage>(), ct);
        return page.LogGroups.FirstOrDefault(g => g.LogGroupName == group);
    }

    /// <summary>Every event of a stream, following forward tokens until the token repeats.</summary>
    public async Task<List<Event>> EventsAsync(string group, string stream, CancellationToken ct)
    {
        var events = new List<Event>();
        string? token = null;
        while (true)
        {
            var request = new Dictionary<string, object> { ["logGroupName"] = group, ["logStreamName"] = stream, ["startFromHead"] = true };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var page = await _client.SendAsync("GetLogEvents", request, Info<Dictionary<string, object>>(), Info<EventsPage>(), ct);
            events.AddRange(page.Events);
            if (page.NextForwardToken == token || page.Events.Length == 0)
            {
                return events;
            }

            token = page.NextForwardToken;
        }
    }

    /// <summary>Every event of every stream of the group.</summary>
    public async Task<List<Event>> AllEventsAsync(string group, CancellationToken ct)
    {
        var all = new List<Event>();
        foreach (var stream in await StreamsAsync(group, ct))
        {
            all.AddRange(await EventsAsync(group, stream, ct));
        }

        return all;
    }

    public void Dispose() => _client.Dispose();

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)JsonSerializerOptions.Web.GetTypeInfo(typeof(T));
}
