using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Internal;

namespace HybridLogging.Tests.Streams;

/// <summary>
/// Entries built from views (for subscribers, entry sinks and queries) share the immutable parts that an entry built
/// lately already holds (the message string and the routing object), and only when every part is equal: whatever was
/// shared before, each entry reads exactly as its view did. Measured figures get an object of their own.
/// </summary>
public sealed class SharedEntryPartsTests
{
    // Same length, equal wherever the table's hash samples the text (characters 0-3, 10-13, 20-23, 30-33 and 36-39),
    // different in between: they land in one slot and must replace each other there, never be taken for each other.
    private static readonly string[] NearTwins =
    [
        "abcdXXXXXXijklYYYYYYstuvZZZZZZ0123WW6789",
        "abcdxxxxxxijklYYYYYYstuvZZZZZZ0123WW6789",
        "abcdXXXXXXijklyyyyyystuvZZZZZZ0123WW6789",
        "abcdXXXXXXijklYYYYYYstuvzzzzzz0123ww6789",
    ];

    private static readonly string?[] Providers = ["bedrock", "openai", null];
    private static readonly double?[] Latencies = [12.5, 0.0, -0.0, null, 97.25];

    [Fact]
    public void Entries_with_the_same_message_and_routing_share_the_string_and_object_but_not_the_figures()
    {
        var first = Built("Circuit for bedrock closed: provider healthy again", "bedrock", "healthy", 12.5);
        var second = Built("Circuit for bedrock closed: provider healthy again", "bedrock", "healthy", 12.5);

        Assert.NotSame(first, second);
        Assert.Same(first.Message, second.Message);
        Assert.Same(first.Routing, second.Routing);
        Assert.NotSame(first.Performance, second.Performance);
        Assert.Equal(12.5, second.Performance!.LatencyMs);
    }

    [Fact]
    public void Texts_that_share_a_slot_each_keep_their_own_characters()
    {
        foreach (var round in Enumerable.Range(0, 3))
        {
            foreach (var text in NearTwins)
            {
                Assert.Equal(text, Built(text, null, null, null).Message);
            }
        }

        var a = Built(NearTwins[0], null, null, null);
        var b = Built(NearTwins[1], null, null, null);
        Assert.NotSame(a.Message, b.Message);
    }

    [Fact]
    public void Routing_that_differs_in_one_part_gets_its_own_object_and_figures_keep_their_sign()
    {
        var baseline = Built("m", "bedrock", "healthy", 12.5);
        var otherProvider = Built("m", "openai", "healthy", 12.5);
        var otherReason = Built("m", "bedrock", "open", 12.5);
        var negativeZero = Built("m", "bedrock", "healthy", -0.0);
        var positiveZero = Built("m", "bedrock", "healthy", 0.0);

        Assert.Equal(("openai", "healthy"), (otherProvider.Routing!.Provider, otherProvider.Routing.Reason));
        Assert.Equal(("bedrock", "open"), (otherReason.Routing!.Provider, otherReason.Routing.Reason));
        Assert.NotSame(baseline.Routing, otherProvider.Routing);
        Assert.NotSame(baseline.Routing, otherReason.Routing);

        Assert.True(double.IsNegative(negativeZero.Performance!.LatencyMs!.Value));
        Assert.False(double.IsNegative(positiveZero.Performance!.LatencyMs!.Value));
    }

    [Fact]
    public void A_message_over_the_shared_length_is_built_whole_and_not_kept()
    {
        var text = new string('x', SharedEntryParts.MaxSharedMessageLength + 1);

        var first = Built(text, null, null, null);
        var second = Built(text, null, null, null);

        Assert.Equal(text, first.Message);
        Assert.NotSame(first.Message, second.Message);
    }

    [Fact]
    public void Building_an_entry_for_a_repeated_message_does_not_allocate_its_text_again()
    {
        const string Text = "Routing route request to bedrock (fallback openai-fallback): primary-healthy";
        var view = SubscriberBufferTests.View(Entry(Text, "bedrock", "primary-healthy", 97.5));
        for (var i = 0; i < 3; i++)
        {
            Rebuild(view); // warm up, and put the text in the table
        }

        // The same length, another first character: a text the table has not seen, with a message buffer of the same size.
        var other = SubscriberBufferTests.View(Entry("X" + Text[1..], "bedrock", "primary-healthy", 97.5));
        var fresh = AllocatedBy(() => Rebuild(other));

        // The table is process-wide and other tests build entries at the same time: one of them may take the slot
        // between two builds, so the least of a few measurements counts.
        var repeated = Enumerable.Range(0, 5).Min(_ => AllocatedBy(() => Rebuild(view)));

        Assert.True(repeated + (Text.Length * sizeof(char)) <= fresh, $"repeated {repeated} B, fresh {fresh} B");
    }

    [Property(Arbitrary = [typeof(Picks)], MaxTest = 100)]
    public bool Every_entry_reads_as_its_view_whatever_was_shared_before(int[] picks)
    {
        foreach (var pick in picks)
        {
            var text = NearTwins[pick % NearTwins.Length];
            var provider = Providers[pick / 4 % Providers.Length];
            var latency = Latencies[pick / 12 % Latencies.Length];
            var entry = Built(text, provider, provider is null ? null : "reason-" + (pick % 2), latency);
            var expectedReason = provider is null ? null : "reason-" + (pick % 2);
            if (entry.Message != text || entry.Routing?.Provider != provider || entry.Routing?.Reason != expectedReason ||
                !SameBits(entry.Performance?.LatencyMs, latency))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public async Task Threads_building_entries_at_once_each_read_their_own_view()
    {
        var ct = TestContext.Current.CancellationToken;
        var workers = Enumerable.Range(0, 4).Select(t => Task.Run(
            () =>
            {
                for (var i = 0; i < 20_000; i++)
                {
                    var text = NearTwins[(i + t) % NearTwins.Length];
                    var latency = Latencies[(i * 7 + t) % Latencies.Length];
                    var entry = Built(text, "bedrock", "r", latency);
                    Assert.Equal(text, entry.Message);
                    Assert.True(SameBits(entry.Performance?.LatencyMs, latency));
                }
            },
            ct));

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), ct);
    }

    private static LogEntry Built(string message, string? provider, string? reason, double? latency) =>
        SubscriberBufferTests.View(Entry(message, provider, reason, latency)).ToLogEntry();

    private static LogEntry Entry(string message, string? provider, string? reason, double? latency) => new()
    {
        Message = message,
        Routing = provider is null ? null : new RoutingInfo { Provider = provider, Reason = reason },
        Performance = latency is null ? null : new PerformanceInfo { LatencyMs = latency },
    };

    // A view builds its entry once and keeps it; a copy made from the view builds a new one each time.
    private static void Rebuild(LogEntryView view)
    {
        var copy = LogEntryView.ForCopies();
        copy.CopyFrom(view);
        GC.KeepAlive(copy.ToLogEntry());
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static bool SameBits(double? a, double? b) =>
        a.HasValue == b.HasValue && (!a.HasValue || BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b!.Value));

    public static class Picks
    {
        public static Arbitrary<int[]> Values() => Gen.ArrayOf(Gen.Choose(0, 59)).ToArbitrary();
    }
}
