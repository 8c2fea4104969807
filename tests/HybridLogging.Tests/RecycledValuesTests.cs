using HybridLogging.Internal;
using HybridLogging.Tests.Streams;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// <c>LoggerMessage</c> states are read field by field, their primitives into boxes the dispatcher reuses for the next
/// entry: the values read must be the indexer's, and no value anyone can keep may change afterwards.
/// </summary>
public sealed class RecycledValuesTests
{
    private static readonly Action<ILogger, int, double, Guid, Exception?> Order =
        LoggerMessage.Define<int, double, Guid>(LogLevel.Information, new EventId(7, "Order"), "Order {OrderId} totals {Amount} ref {Reference}");

    private static readonly Guid[] References = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    [Fact]
    public void A_LoggerMessage_state_of_every_arity_reads_as_its_indexer_does()
    {
        var grab = new ComparingLogger();
        LoggerMessage.Define<int>(LogLevel.Information, 1, "One {A}")(grab, 42, null);
        LoggerMessage.Define<double, string>(LogLevel.Information, 2, "Two {A} {B}")(grab, 2.5, "text", null);
        LoggerMessage.Define<decimal, DateTime, Guid>(LogLevel.Information, 3, "Three {A:F2} {B:o} {C}")(grab, 1.25m, DateTime.UtcNow, Guid.NewGuid(), null);
        LoggerMessage.Define<bool, long, TimeSpan, DateTimeOffset>(LogLevel.Information, 4, "Four {A} {B} {C} {D}")(grab, true, long.MinValue, TimeSpan.FromMilliseconds(3), DateTimeOffset.UnixEpoch, null);
        LoggerMessage.Define<DayOfWeek, int?, float, object, byte>(LogLevel.Information, 5, "Five {A} {B} {C} {D} {E}")(grab, DayOfWeek.Friday, null, 0.5f, new Uri("http://example.test/"), 255, null);
        LoggerMessage.Define<short, ushort, uint, ulong, sbyte, string?>(LogLevel.Information, 6, "Six {A} {B} {C} {D} {E} {F}")(grab, -1, 2, 3, ulong.MaxValue, -5, null, null);
        Assert.Equal(6, grab.Compared);
    }

    [Fact]
    public void Every_recycled_type_is_handed_out_in_a_box_of_its_own()
    {
        // RecycledBoxes lists the types it recycles twice (Box and Rebox): a type missing from Rebox would escape in
        // the reused box.
        var boxes = new RecycledBoxes(4);
        boxes.BeginEntry();
        Check(boxes, 1);
        Check(boxes, 2.5);
        Check(boxes, 3L);
        Check(boxes, true);
        Check(boxes, 4.5m);
        Check(boxes, 5.5f);
        Check(boxes, DateTime.UnixEpoch);
        Check(boxes, DateTimeOffset.UnixEpoch);
        Check(boxes, TimeSpan.FromSeconds(6));
        Check(boxes, Guid.NewGuid());
        Check(boxes, (short)7);
        Check(boxes, (byte)8);
        Check(boxes, 9u);
        Check(boxes, 10ul);
        Check(boxes, (ushort)11);
        Check(boxes, (sbyte)12);
        Assert.False(boxes.IsRecycled(1));

        static void Check<T>(RecycledBoxes boxes, T value)
        {
            var box = boxes.Box(0, value)!;
            Assert.True(boxes.IsRecycled(0), typeof(T).Name);
            var own = RecycledBoxes.Rebox(box);
            Assert.NotSame(box, own);
            Assert.Equal(value, Assert.IsType<T>(own));
            Assert.Same(box, boxes.Box(0, value)); // the same position and type reuse the box
        }
    }

    [Fact]
    public void A_state_of_another_kind_has_no_field_reader()
    {
        Assert.Null(LogValuesReader<KeyValuePair<string, object?>>.Instance);
        Assert.Null(LogValuesReader<List<KeyValuePair<string, object?>>>.Instance);
        Assert.Null(LogValuesReader<string>.Instance);
    }

    [Fact]
    public async Task Values_kept_from_an_entry_keep_that_entrys_values_after_later_entries()
    {
        var sink = new Kit.CollectingSink();
        var observer = new KeepingObserver();
        var factory = new RecordingSinkFactory();
        var recent = StreamKit.Stream("recent", StreamKit.Destination("sink"));
        recent.BufferSize = 10;
        recent.RealTimeEnabled = true;
        var realTime = new List<LogEntry>();
        await using var provider = new HybridLoggerProvider(StreamKit.Options(factory, o =>
        {
            o.AddSink("collect", sink, null);
            o.AddObserver(observer);
            o.AddStream(recent);
        }));
        provider.Streams.RealTimeLog += (_, e) =>
        {
            lock (realTime)
            {
                realTime.Add(e.Entry);
            }
        };
        var subscription = provider.Streams.Subscribe();
        var logger = provider.CreateLogger("Tests.Recycled");
        for (var i = 0; i < References.Length; i++)
        {
            Order(logger, i, i + 0.5, References[i], null);
        }

        await provider.FlushAsync(Kit.TestProvider.Token);
        var subscribed = new List<LogEntry>();
        await using (var reading = subscription.GetAsyncEnumerator(Kit.TestProvider.Token))
        {
            while (subscribed.Count < References.Length && await reading.MoveNextAsync())
            {
                subscribed.Add(reading.Current);
            }
        }

        AssertValues(sink.Entries);
        AssertValues(subscribed);
        AssertValues(provider.Streams.QueryLogs(new LogQuery { StreamId = "recent" }));
        AssertValues(factory["recent/sink"].Snapshot());
        await WaitFor(() => { lock (realTime) { return realTime.Count >= References.Length; } });
        lock (realTime)
        {
            AssertValues(realTime);
        }

        for (var i = 0; i < References.Length; i++)
        {
            Assert.Equal(new object?[] { i, i + 0.5, References[i] }, observer.Kept[i]);
            Assert.Equal((object)i, observer.Found[i]);
        }

        Assert.Equal(0, observer.PeekMismatches);

        // Each entry's values are boxes of its own, not one box overwritten.
        Assert.NotSame(sink.Entries[0].GetProperty("OrderId"), sink.Entries[1].GetProperty("OrderId"));
    }

    private static void AssertValues(IReadOnlyList<LogEntry> entries)
    {
        Assert.Equal(References.Length, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(i, entries[i].GetProperty("OrderId"));
            Assert.Equal(i + 0.5, entries[i].GetProperty("Amount"));
            Assert.Equal(References[i], entries[i].GetProperty("Reference"));
            Assert.Equal($"Order {i} totals {i + 0.5} ref {References[i]}", entries[i].Message);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 10_000; waited += 10)
        {
            await Task.Delay(10, Kit.TestProvider.Token);
        }
    }

    /// <summary>An observer that keeps what it is handed, as a user's observer may.</summary>
    private sealed class KeepingObserver : ILogEntryObserver
    {
        public List<object?[]> Kept { get; } = [];

        public List<object?> Found { get; } = [];

        public int PeekMismatches { get; private set; }

        public void OnEntry(LogEntryView entry)
        {
            var values = new object?[entry.PropertyCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = entry.GetPropertyValue(i);
            }

            Kept.Add(values);
            for (var i = 0; i < values.Length; i++)
            {
                // What a formatter peeks at during the call is the same value, in the pipeline's own box.
                PeekMismatches += Equals(values[i], entry.PeekPropertyValue(i)) ? 0 : 1;
            }

            Found.Add(entry.TryGetProperty("OrderId", out var id) ? id : null);
        }
    }

    /// <summary>Compares the field reader of each state it is handed with the state's own indexer.</summary>
    private sealed class ComparingLogger : ILogger
    {
        public int Compared { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var reader = LogValuesReader<TState>.Instance;
            Assert.NotNull(reader);
            var list = (IReadOnlyList<KeyValuePair<string, object?>>)state!;
            var buffer = new KeyValuePair<string, object?>[1];
            var boxes = new RecycledBoxes(256);
            boxes.BeginEntry();
            var copy = state;
            Assert.Equal(list.Count, reader.Read(ref copy, ref buffer, boxes));
            for (var i = 0; i < list.Count; i++)
            {
                Assert.Equal(list[i].Key, buffer[i].Key);
                Assert.Equal(list[i].Value, buffer[i].Value);
                var primitive = list[i].Value is int or double or decimal or DateTime or Guid or bool or long or TimeSpan or DateTimeOffset
                    or float or byte or short or ushort or uint or ulong or sbyte;
                Assert.Equal(primitive, boxes.IsRecycled(i));
            }

            Compared++;
        }
    }
}
