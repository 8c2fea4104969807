using HybridLogging.Internal;

namespace HybridLogging.Tests.Streams;

/// <summary>
/// A subscription's buffer: every written entry is read exactly once or counted as missed, in order, while the writer
/// drops the oldest entries under a slow reader; the reader wakes at a round's end or a quarter of capacity. The buffer
/// keeps copies of the dispatcher's reused view and builds entry objects only for what is read.
/// </summary>
public sealed class SubscriberBufferTests
{
    /// <summary>A view of the entry as the dispatcher offers it: filled field by field, with no entry object behind it.</summary>
    internal static LogEntryView View(LogEntry entry) => Fill(new LogEntryView(), entry);

    internal static LogEntryView Fill(LogEntryView view, LogEntry entry)
    {
        view.LoadContent(entry);
        return view;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_entry_is_read_once_in_order_or_counted_missed_while_writer_and_reader_race()
    {
        const int count = 300_000;
        var buffer = new SubscriberBuffer(capacity: 64);
        var entries = Enumerable.Range(0, 1024).Select(i => View(new LogEntry { EventId = i })).ToArray();
        var reader = Task.Run(
            async () =>
            {
                var read = new List<int>(count);
                while (await buffer.WaitToReadAsync(Ct))
                {
                    while (buffer.TryRead(out var entry))
                    {
                        read.Add(entry.EventId.Id);
                    }
                }

                return read;
            },
            Ct);

        var writer = Task.Run(
            () =>
            {
                for (var i = 0; i < count; i++)
                {
                    Assert.True(buffer.Write(entries[i % entries.Length]));
                    if (i % 1000 == 999)
                    {
                        buffer.Signal();
                    }
                }

                buffer.Complete();
            },
            Ct);

        await writer;
        var seen = await reader.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(count, seen.Count + buffer.Missed);
        Assert.True(seen.Count >= 64, $"read {seen.Count}");

        // Positions only grow: the ids read follow the written sequence (modulo the table), each step one or more ahead.
        var position = -1L;
        foreach (var id in seen)
        {
            var next = position + 1;
            while (next % entries.Length != id)
            {
                next++;
            }

            Assert.True(next - position <= buffer.Missed + 1);
            position = next;
        }
    }

    [Fact]
    public void A_full_buffer_drops_the_oldest_entries_and_counts_them()
    {
        var buffer = new SubscriberBuffer(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            buffer.Write(View(new LogEntry { EventId = i }));
        }

        var read = new List<int>();
        while (buffer.TryRead(out var entry))
        {
            read.Add(entry.EventId.Id);
        }

        Assert.Equal([2, 3, 4], read);
        Assert.Equal(2, buffer.Missed);
    }

    [Fact]
    public void A_writer_that_last_saw_the_buffer_full_drops_nothing_once_the_reader_has_made_room()
    {
        // Each side keeps the other's position as it last saw it: a stale view must make either side look again,
        // never drop an entry (writer) or report an empty buffer that has entries (reader).
        var buffer = new SubscriberBuffer(capacity: 4);
        for (var i = 0; i < 4; i++)
        {
            buffer.Write(View(new LogEntry { EventId = i }));
        }

        var read = new List<int>();
        while (buffer.TryRead(out var entry))
        {
            read.Add(entry.EventId.Id);
        }

        for (var i = 4; i < 8; i++)
        {
            buffer.Write(View(new LogEntry { EventId = i }));
        }

        while (buffer.TryRead(out var entry))
        {
            read.Add(entry.EventId.Id);
        }

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], read);
        Assert.Equal(0, buffer.Missed);
        Assert.Equal(8, buffer.Written);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_at_the_end_of_a_round_and_ends_after_what_is_buffered()
    {
        var buffer = new SubscriberBuffer(capacity: 100);
        var wait = buffer.WaitToReadAsync(Ct).AsTask();
        Assert.False(wait.IsCompleted);

        buffer.Signal(); // nothing written: no wake
        buffer.Write(View(new LogEntry { EventId = 1 }));
        buffer.Signal();
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        buffer.Write(View(new LogEntry { EventId = 2 }));
        buffer.Complete();
        Assert.False(buffer.Write(View(new LogEntry { EventId = 3 })));
        Assert.True(buffer.TryRead(out var first));
        Assert.True(await buffer.WaitToReadAsync(Ct));
        Assert.True(buffer.TryRead(out var second));
        Assert.False(await buffer.WaitToReadAsync(Ct));
        Assert.Equal([1, 2], [first.EventId.Id, second.EventId.Id]);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_without_a_round_end_once_a_quarter_of_the_capacity_is_written()
    {
        var buffer = new SubscriberBuffer(capacity: 8);
        var wait = buffer.WaitToReadAsync(Ct).AsTask();
        buffer.Write(View(new LogEntry()));
        Assert.False(wait.IsCompleted);

        buffer.Write(View(new LogEntry()));

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public void An_entry_is_read_as_it_was_offered_though_the_offered_view_is_reused_for_the_next_entry()
    {
        var buffer = new SubscriberBuffer(capacity: 4);
        var view = new LogEntryView(); // the dispatcher's one view, refilled for every entry
        Fill(view, new LogEntry { EventId = 1, Message = "first", Properties = [new("A", 1)] });
        buffer.Write(view);
        Fill(view, new LogEntry { EventId = 2, Message = "second, longer", Properties = [new("B", "x")] });
        buffer.Write(view);
        view.Clear();

        Assert.True(buffer.TryRead(out var first));
        Assert.True(buffer.TryRead(out var second));
        Assert.Equal((1, "first", "A"), (first.EventId.Id, first.Message, first.Properties.Single().Key));
        Assert.Equal((2, "second, longer", "B"), (second.EventId.Id, second.Message, second.Properties.Single().Key));
    }
}
