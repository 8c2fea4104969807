using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>Compiled stream filters allocate nothing per evaluation (measured alone: see <see cref="ThreadAllocations"/>).</summary>
[Collection(AllocationCollection.Name)]
public sealed class FilterAllocationTests
{
    [Fact]
    public void Evaluating_compiled_filters_allocates_nothing()
    {
        var filter = new LogFilter
        {
            Id = "f",
            Levels = [LogLevel.Error, LogLevel.Warning],
            Sources = ["HybridRouter", "CacheLayer"],
            CorrelationIds = ["c1", "c2"],
            Keywords = ["timeout", "FALLBACK"],
            KeywordMatch = KeywordMatch.All,
            From = DateTimeOffset.UnixEpoch,
            To = DateTimeOffset.MaxValue,
            Properties = new() { ["seq"] = "42", ["tier"] = null, ["requestId"] = "r1" },
        };
        var set = FilterSet.Compile([filter, new LogFilter { Id = "g", Sources = ["Nope"] }]);
        var entry = new LogEntry
        {
            Timestamp = DateTimeOffset.UtcNow,
            Level = LogLevel.Error,
            Source = "HybridRouter",
            CorrelationId = "c1",
            RequestId = "r1",
            Message = "Request timeout, using fallback",
            Properties = [new("seq", 42), new("tier", "gold")],
        };
        var view = new LogEntryView();
        view.Load(entry);
        Assert.True(set.Matches(view));
        var calls = 0;
        var matches = 0;

        var bytes = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                calls++;
                matches += set.Matches(view) ? 1 : 0;
            }
        });

        Assert.Equal(0, bytes);
        Assert.Equal(calls, matches);
    }
}
