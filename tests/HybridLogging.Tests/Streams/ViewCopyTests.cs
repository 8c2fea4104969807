using System.Reflection;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>
/// Subscriber and recent buffers keep copies of the dispatcher's view and build entries only when read: a copy must
/// hold everything the view held, and keeping copies of entries nobody reads must allocate nothing.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class ViewCopyTests
{
    private static readonly LogEntry Full = Make(7);

    private static LogEntry Make(int eventId) => new()
    {
        Timestamp = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        Level = LogLevel.Error,
        Source = "Router",
        Category = "App.Router",
        EventId = new EventId(eventId, "Routed"),
        Message = "Routed req-1 to bedrock in 12.5 ms",
        MessageTemplate = "Routed {RequestId} to {Provider} in {ElapsedMs} ms",
        Properties = [new("ElapsedMs", 12.5), new("Tags", new object?[] { "a", 1 })],
        CorrelationId = "c-1",
        RequestId = "req-1",
        UserId = "u-1",
        SessionId = "s-1",
        TraceId = "0123456789abcdef0123456789abcdef",
        SpanId = "0123456789abcdef",
        OperationType = "route",
        Duration = TimeSpan.FromMilliseconds(12.5),
        Error = new LogError { Type = "System.TimeoutException", Message = "late", Code = "E1" },
        Performance = new PerformanceInfo { LatencyMs = 3, Throughput = 4, ErrorRate = 0.5 },
        Routing = new RoutingInfo { Provider = "bedrock", Fallback = "openai", Reason = "primary" },
        Metadata = new Dictionary<string, string> { ["env"] = "test" },
    };

    [Fact]
    public void A_copy_holds_every_field_of_the_view_it_was_copied_from_but_not_the_exception_object()
    {
        var source = SubscriberBufferTests.View(Full);
        source.Sequence = 42;
        source.SetException(new TimeoutException("late"));
        source.NoteFieldText(12.5, 26, 4);

        var copy = LogEntryView.ForCopies();
        copy.CopyFrom(source);

        AssertSameFields(source, copy);
        // A copy keeps the exception's details, not the exception object (which may hold much more alive).
        Assert.Null(copy.Exception);
        Assert.Same(source.Error, copy.Error);

        var entry = copy.ToLogEntry();
        Assert.Equal(Full.Message, entry.Message);
        Assert.Equal(Full.Properties, entry.Properties);
        Assert.Equal((Full.RequestId, Full.Routing!.Fallback, Full.Performance!.ErrorRate, Full.Error!.Code), (entry.RequestId, entry.Routing!.Fallback, entry.Performance!.ErrorRate, entry.Error!.Code));

        // Reused for a sparse entry: nothing of the full one is left behind (the copy overwrites instead of clearing).
        var sparse = SubscriberBufferTests.View(new LogEntry { Message = "m", Properties = [new("Only", 1)] });
        sparse.Sequence = 43;
        copy.CopyFrom(sparse);
        AssertSameFields(sparse, copy);
        var properties = (Array)typeof(LogEntryView).GetField("_properties", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(copy)!;
        Assert.Equal(Activator.CreateInstance(properties.GetType().GetElementType()!), properties.GetValue(1)); // the full entry's second property is gone
    }

    /// <summary>Every instance field, found by reflection so that a field added later and not copied fails here.</summary>
    private static void AssertSameFields(LogEntryView source, LogEntryView copy)
    {
        foreach (var field in typeof(LogEntryView).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (field.Name == "_exception")
            {
                continue; // deliberately not kept (asserted by the caller)
            }

            var expected = field.GetValue(source);
            var actual = field.GetValue(copy);
            if (expected is Array array)
            {
                // Buffers: the used part must be equal (a copy's buffers are sized to what it holds).
                var used = field.Name.Contains("message", StringComparison.OrdinalIgnoreCase) ? source.MessageLength : source.PropertyCount;
                Assert.True(used > 0, field.Name);
                Assert.Equal(array.Cast<object?>().Take(used), ((Array)actual!).Cast<object?>().Take(used));
            }
            else
            {
                Assert.True(Equals(expected, actual), $"{field.Name}: {expected} != {actual}");
            }
        }
    }

    [Fact]
    public void Offering_entries_to_a_subscription_nobody_reads_allocates_nothing_once_its_copies_exist()
    {
        var buffer = new SubscriberBuffer(capacity: 64);
        var views = Enumerable.Range(0, 8).Select(i => SubscriberBufferTests.View(Make(i))).ToArray();

        var allocated = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                buffer.Write(views[i % views.Length]);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(buffer.Missed > 0);
        Assert.True(buffer.TryRead(out var oldest));
        Assert.Equal(Full.Message, oldest.Message);
    }

    [Fact]
    public void Keeping_recent_entries_allocates_nothing_once_the_ring_is_full_and_a_query_builds_what_it_returns()
    {
        var recent = new RecentBuffer(capacity: 16);
        var views = Enumerable.Range(0, 8).Select(i => SubscriberBufferTests.View(Make(i))).ToArray();
        for (var i = 0; i < views.Length; i++)
        {
            views[i].Sequence = i + 1;
        }

        var allocated = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                recent.Add(views[i % views.Length]);
            }
        });

        Assert.Equal(0, allocated);
        var kept = new List<(long Sequence, LogEntry Entry)>();
        recent.CopyTo(kept);
        Assert.Equal(16, kept.Count);
        Assert.All(kept, k => Assert.Equal(k.Sequence - 1, k.Entry.EventId.Id));
        Assert.Equal(Full.Message, kept[^1].Entry.Message);
    }

    [Fact]
    public async Task A_query_racing_the_dispatcher_returns_kept_entries_oldest_first_each_once_and_as_they_were_added()
    {
        var recent = new RecentBuffer(capacity: 4 * RecentBuffer.BuildsPerLock);
        var views = Enumerable.Range(0, 64).Select(i => SubscriberBufferTests.View(Make(i))).ToArray();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (var sequence = 1L; !stop.IsCancellationRequested; sequence++)
            {
                var view = views[sequence % views.Length];
                view.Sequence = sequence;
                recent.Add(view);
            }
        }, TestContext.Current.CancellationToken);

        for (var query = 0; query < 50; query++)
        {
            var kept = new List<(long Sequence, LogEntry Entry)>();
            recent.CopyTo(kept);
            Assert.True(kept.Count <= recent.Capacity);
            for (var i = 0; i < kept.Count; i++)
            {
                Assert.Equal(kept[i].Sequence % views.Length, kept[i].Entry.EventId.Id);
                Assert.True(i == 0 || kept[i].Sequence > kept[i - 1].Sequence);
            }
        }

        await stop.CancelAsync();
        await writer;
    }

    [Fact]
    public void A_query_leaves_out_what_the_dispatcher_overwrote_between_its_batches_and_keeps_the_rest_in_order()
    {
        var recent = new RecentBuffer(capacity: 2 * RecentBuffer.BuildsPerLock);
        var views = Enumerable.Range(0, 64).Select(i => SubscriberBufferTests.View(Make(i))).ToArray();
        var sequence = 0L;
        void Add(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var view = views[++sequence % views.Length];
                view.Sequence = sequence;
                recent.Add(view);
            }
        }

        Add(recent.Capacity); // sequences 1 .. 512 kept
        var overwritten = RecentBuffer.BuildsPerLock + 44;
        recent.BetweenBatches = () => Add(overwritten); // after the first batch: 1 .. 300 replaced by 513 .. 812

        var kept = new List<(long Sequence, LogEntry Entry)>();
        recent.CopyTo(kept);

        Assert.Equal(Enumerable.Range(1, RecentBuffer.BuildsPerLock).Concat(Enumerable.Range(overwritten + 1, recent.Capacity - overwritten)).Select(i => (long)i), kept.Select(k => k.Sequence));
        Assert.All(kept, k => Assert.Equal(k.Sequence % views.Length, k.Entry.EventId.Id));
    }

    [Fact]
    public void A_copy_going_back_to_a_pool_lets_go_of_a_buffer_a_huge_message_grew_and_keeps_an_ordinary_one()
    {
        var message = typeof(LogEntryView).GetField("_message", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var copy = LogEntryView.ForCopies();

        copy.CopyFrom(SubscriberBufferTests.View(new LogEntry { Message = new string('m', 200) }));
        copy.ReleaseForReuse();
        Assert.Equal(200, ((char[])message.GetValue(copy)!).Length);

        copy.CopyFrom(SubscriberBufferTests.View(new LogEntry { Message = new string('m', LogEntryView.LargeMessageChars + 1) }));
        copy.ReleaseForReuse();
        Assert.Empty((char[])message.GetValue(copy)!);
        Assert.True(copy.Message.IsEmpty); // still a consistent view until it is copied into again
    }
}
