using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// The JSON-lines path: destinations that take lines get each entry formatted once by the dispatcher, straight from
/// the captured call when nothing needs a <see cref="LogEntry"/>. What it writes must be exactly what the general path
/// (build the entry, then <see cref="JsonLogFormatter"/>) writes.
/// </summary>
public sealed partial class RecordRoutingTests
{
    private static readonly PipelineSettings[] SettingsVariants =
    [
        new(new HybridLoggingOptions()),
        new(new HybridLoggingOptions
        {
            MaxMessageLength = 400,
            MaxPropertyLength = 12,
            MaxProperties = 4,
            Metadata = { ["env"] = "test" },
        }),
        new(OnlyRedacting(
            new HybridLoggingOptions
            {
                MaxMessageLength = 40,
                MaxPropertyLength = 12,
                MaxProperties = 2,
                Metadata = { ["env"] = "test", ["quote\"key"] = "line\nbreak" },
            },
            "password",
            "token")),
    ];

    // RedactedProperties has no setter: a set other than the defaults is made by clearing and adding.
    private static HybridLoggingOptions OnlyRedacting(HybridLoggingOptions options, params string[] names)
    {
        options.RedactedProperties.Clear();
        options.RedactedProperties.UnionWith(names);
        return options;
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Order {OrderId} for {Customer} totals {Amount}")]
    private static partial void LogOrder(ILogger logger, int orderId, string customer, double amount);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Paid {Amount:F2} on {When:yyyy-MM-dd} ref {Ref,8}|{Note,-6}|")]
    private static partial void LogPayment(ILogger logger, decimal amount, DateTime when, long @ref, string? note);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Failed {Operation}")]
    private static partial void LogFailure(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "Probe {Key}")]
    private static partial void LogProbe(ILogger logger, string key);

    [Fact]
    public async Task A_lines_sink_gets_every_entry_once_in_order()
    {
        var sink = new LinesSink();
        var options = new HybridLoggingOptions();
        options.AddSink("lines", sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Lines.Order");
        for (var i = 0; i < 5000; i++)
        {
            LogOrder(logger, i, "c" + i, i / 2.0);
        }

        await provider.FlushAsync(TestContext.Current.CancellationToken);
        var lines = sink.Lines;
        Assert.Equal(5000, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var properties = json.RootElement.GetProperty("properties");
            Assert.Equal(i, properties.GetProperty("OrderId").GetInt32());
            Assert.Equal($"Order {i} for c{i} totals {(i / 2.0).ToString(System.Globalization.CultureInfo.InvariantCulture)}", json.RootElement.GetProperty("message").GetString());
        }

        Assert.True(sink.LineWrites > 0);
        var stats = provider.GetStats().Sinks.Single();
        Assert.Equal(5000, stats.Received);
        Assert.Equal(5000, stats.Written);
    }

    [Fact]
    public async Task Lines_written_straight_from_the_call_equal_lines_formatted_from_built_entries()
    {
        var direct = new LinesSink();
        var general = new EntryLinesSink();
        var directOptions = new HybridLoggingOptions { Metadata = { ["host"] = "h1" } };
        directOptions.AddSink("lines", direct);
        var generalOptions = new HybridLoggingOptions { Metadata = { ["host"] = "h1" } };
        generalOptions.AddSink("entries", general);
        await using var directProvider = new HybridLoggerProvider(directOptions);
        await using var generalProvider = new HybridLoggerProvider(generalOptions);
        var loggers = new[] { directProvider.CreateLogger("Tests.Lines.Same"), generalProvider.CreateLogger("Tests.Lines.Same") };

        using var activity = new Activity("lines-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        for (var i = 0; i < 200; i++)
        {
            foreach (var logger in loggers)
            {
                using (i % 3 == 0 ? CorrelationContext.Begin("corr-" + i, userId: "u\"" + i) : default)
                {
                    LogOrder(logger, i, "x" + i, i * 1.5);
                    logger.LogWarning("Cache {Key} miss {Count}", "k" + i, i);
                    if (i % 50 == 0)
                    {
                        LogFailure(logger, "op" + i, new TimeoutException("slow")); // general path in both
                    }
                }
            }
        }

        await directProvider.FlushAsync(TestContext.Current.CancellationToken);
        await generalProvider.FlushAsync(TestContext.Current.CancellationToken);
        Assert.True(direct.LineWrites > 0);
        Assert.True(general.EntryWrites > 0);
        Assert.Equal(Normalize(general.Lines), Normalize(direct.Lines));
    }

    [Fact]
    public async Task A_subscriber_switches_to_built_entries_and_the_lines_stay_the_same()
    {
        var sink = new LinesSink();
        var options = new HybridLoggingOptions();
        options.AddSink("lines", sink);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Lines.Subscribed");
        LogOrder(logger, 1, "before", 1);
        await provider.FlushAsync(TestContext.Current.CancellationToken);
        var received = new List<LogEntry>();
        await using (var subscription = provider.Streams.Subscribe())
        {
            LogOrder(logger, 2, "during", 2);
            await provider.FlushAsync(TestContext.Current.CancellationToken);
            await using var reader = subscription.GetAsyncEnumerator(TestContext.Current.CancellationToken);
            Assert.True(await reader.MoveNextAsync());
            received.Add(reader.Current);
        }

        LogOrder(logger, 3, "after", 3);
        await provider.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, Assert.Single(received).GetProperty("OrderId"));
        var messages = sink.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()).ToArray();
        Assert.Equal(["Order 1 for before totals 1", "Order 2 for during totals 2", "Order 3 for after totals 3"], messages);
        var shapes = sink.Lines.Select(l => Regex.Replace(l, "\"timestamp\":\"[^\"]+\"|[0-9]|before|during|after", "")).Distinct();
        Assert.Single(shapes);
    }

    [Fact]
    public async Task Lines_destinations_get_what_their_minimum_levels_allow()
    {
        var all = new LinesSink();
        var warnings = new LinesSink();
        var entries = new CollectingSink();
        var options = new HybridLoggingOptions { MinimumLevel = LogLevel.Debug };
        options.AddSink("all", all);
        options.AddSink("warnings", warnings, s => s.MinimumLevel = LogLevel.Warning);
        options.AddSink("entries", entries, s => s.MinimumLevel = LogLevel.Error);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Lines.Levels");
        for (var i = 0; i < 300; i++)
        {
            logger.Log((LogLevel)(1 + (i % 5)), "Level {Index}", i); // Debug..Critical
        }

        await provider.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(300, all.Lines.Count);
        Assert.Equal(180, warnings.Lines.Count);
        Assert.Equal(120, entries.Count);
        Assert.All(warnings.Lines, l => Assert.Matches("\"level\":\"(WARN|ERROR|CRITICAL)\"", l));
        Assert.Equal(
            all.Lines.Where(l => Regex.IsMatch(l, "\"level\":\"(WARN|ERROR|CRITICAL)\"")),
            warnings.Lines);
    }

    [Theory]
    [InlineData(QueueFullMode.DropNewest)]
    [InlineData(QueueFullMode.DropOldest)]
    public async Task A_backed_up_lines_destination_accounts_for_every_entry(QueueFullMode mode)
    {
        using var hold = new SemaphoreSlim(0);
        var sink = new LinesSink { Hold = hold };
        var options = new HybridLoggingOptions { FullMode = QueueFullMode.Block };
        options.AddSink("lines", sink, s =>
        {
            s.QueueCapacity = 64;
            s.FullMode = mode;
            s.BatchSize = 16;
        });
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Lines.Backlog");
        for (var i = 0; i < 20_000; i++)
        {
            LogOrder(logger, i, "c", 1);
        }

        hold.Release();
        await provider.FlushAsync(TestContext.Current.CancellationToken);
        var stats = provider.GetStats();
        var destination = stats.Sinks.Single();
        Assert.Equal(20_000, stats.Produced);
        Assert.Equal(20_000, destination.Received);
        Assert.True(destination.Dropped > 0, "the queue of 64 must have overflowed");
        Assert.Equal(destination.Received, destination.Written + destination.Dropped + destination.Failed);
        Assert.Equal(destination.Written, sink.Lines.Count);
        var ids = sink.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("properties").GetProperty("OrderId").GetInt32()).ToArray();
        Assert.Equal(ids.Order(), ids); // what survives is in order
        Assert.Equal(ids.Distinct().Count(), ids.Length);
    }

    [Fact]
    public async Task A_failing_lines_destination_counts_its_entries_as_failed()
    {
        var sink = new LinesSink { FailWith = new IOException("disk gone") };
        var options = new HybridLoggingOptions();
        options.AddSink("lines", sink, s => s.MaxRetries = 0);
        await using var provider = new HybridLoggerProvider(options);
        var logger = provider.CreateLogger("Tests.Lines.Failing");
        for (var i = 0; i < 1000; i++)
        {
            LogOrder(logger, i, "c", 1);
        }

        await provider.FlushAsync(TestContext.Current.CancellationToken);
        var destination = provider.GetStats().Sinks.Single();
        Assert.Equal(1000, destination.Received);
        Assert.Equal(1000, destination.Failed);
        Assert.Equal(0, destination.Written);
        Assert.Contains("disk gone", destination.LastError, StringComparison.Ordinal);
    }

    private static void Prepare(PendingEntry pending, PipelineSettings settings, bool activity, string?[]? correlation, long tickOffset = 1234567)
    {
        pending.TimestampTicks = new DateTime(2026, 11, 23, 11, 22, 33, DateTimeKind.Utc).Ticks + tickOffset;
        pending.Category = settings.ResolveCategory("Tests.Lines.Shapes");
        if (activity)
        {
            pending.HasActivity = true;
            pending.TraceId = ActivityTraceId.CreateRandom();
            pending.SpanId = ActivitySpanId.CreateRandom();
        }

        if (correlation is not null)
        {
            using (CorrelationContext.Begin(correlation[0], correlation[1], correlation[2], correlation[3], correlation[4]))
            {
                pending.Correlation = CorrelationContext.Current;
            }
        }
    }

    private static string[] Normalize(IEnumerable<string> lines) =>
        [.. lines.Select(l => Regex.Replace(l, "\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"T\""))];
}

/// <summary>A MEL extension-method call: template, arguments, ids; sometimes malformed, hostile or over the limits.</summary>
public sealed record LogCall(string Template, object?[] Args, int EventId, string? EventName, bool Activity, string?[]? Correlation, int Variant, long TickOffset = 1234567)
{
    public override string ToString() =>
        $"Template={Show(Template)} Args=[{string.Join(", ", Args.Select(a => a is null ? "null" : $"{a.GetType().Name}:{Show(a.ToString())}"))}] Variant={Variant}";

    private static string Show(string? text) => JsonSerializer.Serialize(text is { Length: > 80 } ? text[..80] + $"…({text.Length} chars)" : text);
}

/// <summary>FsCheck generators for <see cref="LogCall"/>.</summary>
public static class LogCalls
{
    private static readonly Gen<string> Names = Gen.Frequency(
        (12, Gen.Elements("OrderId", "Customer", "Amount", "When", "X", "Name", "quote\"d", "日本", "A b", "tokenish")),
        (1, Gen.Elements("password", "LatencyMs", "CorrelationId")));

    private static readonly Gen<string> Formats = Gen.Frequency(
        (8, Gen.Constant("")),
        (6, Gen.Elements(":F2", ":x", ":N0", ":yyyy-MM-dd", ",5", ",-7", ",12", ",3:F1", ":0.00;minus")),
        (1, Gen.Elements(",abc", ":{bad}")));

    /// <summary>Hostile text with its lone surrogates mostly repaired: those send a call down the general path.</summary>
    private static readonly Gen<string> MildText = HostileStrings.Text.Select(s => ValueSnapshot.Sanitize(s, 100_000));

    private static readonly Gen<string> Literal = Gen.Frequency(
        (6, Gen.Elements("Order ", " for ", " totals ", " ", "", "ms", "é", "\"", "\\", "\n", "\t", "😀")),
        (2, Gen.Elements("{{", "}}", "{{x}}")),
        (1, Gen.Elements("{", "}", "\uD800", "{x", "x}")),
        (2, MildText.Select(s => (s.Length > 30 ? s[..30] : s).Replace('{', '(').Replace('}', ')'))));

    private static readonly Gen<string> Hole = Gen.Zip(Names, Formats, (n, f) => "{" + n + f + "}");

    private static readonly Gen<object?> Value = Gen.Frequency(
        (3, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (object?)i)),
        (1, Gen.Choose(-1000, 1000).Select(i => (object?)(i * 1_000_000_007L))),
        (2, Gen.Elements<object?>(0.0, -0.0, 1.5, 1e300, double.NaN, double.PositiveInfinity, 0.1 + 0.2, 12.5f, 0.1f, float.NaN)),
        (1, Gen.Elements<object?>(1.5m, -0.001m, 79228162514264337593543950335m)),
        (2, Gen.Elements<object?>(true, false, null, (short)-3, (byte)7, 5u, 6ul)),
        (1, Gen.Elements<object?>('c', DayOfWeek.Friday, new[] { 1, 2 }, new List<string> { "a" })),
        (2, Gen.Elements<object?>(
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            TimeSpan.FromSeconds(90.5),
            Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"))),
        (4, MildText.Select(s => (object?)s)),
        (1, HostileStrings.Text.Select(s => (object?)s)));

    private static readonly Gen<string?> Id = Gen.Frequency(
        (3, Gen.Constant<string?>(null)),
        (3, Gen.Elements<string?>("corr-1", "req-9", "u-1")),
        (1, HostileStrings.Text.Select(s => (string?)s)));

    public static Arbitrary<LogCall> Call() =>
        (from partCount in Gen.Choose(0, 8)
         from parts in Gen.ArrayOf(Gen.Frequency((3, Literal), (2, Hole)), partCount)
         from extraArgs in Gen.Frequency((12, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(-1)))
         from values in Gen.ArrayOf(Value, Math.Max(0, parts.Count(IsHole) + extraArgs))
         from eventId in Gen.Elements(0, 1, 42)
         from eventName in Gen.Elements<string?>(null, "Order", "é\"")
         from activity in Gen.Elements(false, true)
         from correlation in Gen.Frequency((2, Gen.Constant<string?[]?>(null)), (1, Gen.ArrayOf(Id, 5).Select(a => (string?[]?)a)))
         from variant in Gen.Choose(0, 2)
         from tickOffset in Gen.Elements(0L, 1234567L, 1000000L, 10L, 1200000L, 9999999L)
         select new LogCall(string.Concat(parts), values, eventId, eventName, activity, correlation, variant, tickOffset)).ToArbitrary();

    private static bool IsHole(string part) => part.Length > 2 && part[0] == '{' && part[1] != '{' && part[^1] == '}';
}
