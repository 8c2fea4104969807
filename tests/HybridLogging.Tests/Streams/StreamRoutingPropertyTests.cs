using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Streams;

/// <summary>
/// Property: for random entries, filters and stream layouts, each destination receives exactly the entries that pass
/// its stream's filters and its own filters, each once, in log order. The expected set comes from a plain LINQ model
/// of the documented semantics, independent of the compiled filters.
/// </summary>
public sealed class StreamRoutingPropertyTests
{
    private static readonly string[] SourceNames = ["HybridRouter", "BedrockClient", "CacheLayer", "AlertSystem"];
    private static readonly string[] CorrelationIds = ["c1", "c2", "c3"];
    private static readonly string[] Words = ["timeout", "fallback", "cache", "hit", "error", "ok"];
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public sealed record EntrySpec(int Level, int Source, int? Correlation, int[] Words, bool Gold, int Second);

    public sealed record FilterSpec(bool Enabled, int[]? Levels, int? MinLevel, int[]? Sources, int[]? Correlations, int[]? Keywords, bool AllKeywords, int? FromSecond, int? ToSecond, int PropertyMode);

    public sealed record DestinationSpec(int[] FilterRefs);

    public sealed record StreamSpec(bool Enabled, FilterSpec[] Filters, DestinationSpec[] Destinations);

    public sealed record Scenario(EntrySpec[] Entries, StreamSpec[] Streams)
    {
        public override string ToString() => $"{Entries.Length} entries, {Streams.Length} streams: " +
            string.Join(" | ", Streams.Select(s => $"enabled={s.Enabled} filters=[{string.Join(",", s.Filters.Select(f => $"{{en={f.Enabled} lv={Fmt(f.Levels)} min={f.MinLevel} src={Fmt(f.Sources)} corr={Fmt(f.Correlations)} kw={Fmt(f.Keywords)}/{(f.AllKeywords ? "all" : "any")} t=[{f.FromSecond},{f.ToSecond}) prop={f.PropertyMode}}}"))}] dest=[{string.Join(",", s.Destinations.Select(d => Fmt(d.FilterRefs)))}]"));

        private static string Fmt(int[]? values) => values is null ? "-" : "[" + string.Join(",", values) + "]";
    }

    public static class Generators
    {
        public static Arbitrary<Scenario> Scenarios()
        {
            var subset = (int n) => Gen.SubListOf(Enumerable.Range(0, n)).Select(l => l.ToArray());
            var optionalSubset = (int n) => Gen.Frequency((2, Gen.Constant<int[]?>(null)), (1, subset(n).Select(a => (int[]?)a)));
            var optionalInt = (int lo, int hi) => Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(lo, hi).Select(i => (int?)i)));

            var entry =
                from level in Gen.Choose(0, 5)
                from source in Gen.Choose(0, SourceNames.Length - 1)
                from correlation in optionalInt(0, CorrelationIds.Length - 1)
                from words in Gen.ArrayOf(Gen.Choose(0, Words.Length - 1), 3)
                from gold in Gen.Elements(true, false)
                from second in Gen.Choose(0, 59)
                select new EntrySpec(level, source, correlation, words, gold, second);

            var filter =
                from enabled in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
                from levels in optionalSubset(6)
                from minLevel in optionalInt(0, 5)
                from sources in optionalSubset(SourceNames.Length)
                from correlations in optionalSubset(CorrelationIds.Length)
                from keywords in optionalSubset(Words.Length)
                from all in Gen.Elements(true, false)
                from start in optionalInt(0, 40)
                from length in Gen.Choose(1, 30)
                from propertyMode in Gen.Choose(0, 2)
                select new FilterSpec(enabled, levels, minLevel, sources, correlations, keywords, all, start, start is null ? null : start + length, propertyMode);

            var stream =
                from enabled in Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)))
                from filterCount in Gen.Choose(0, 3)
                from filters in Gen.ArrayOf(filter, filterCount)
                from destinationCount in Gen.Choose(1, 3)
                from destinations in Gen.ArrayOf(subset(filterCount).Select(refs => new DestinationSpec(refs)), destinationCount)
                select new StreamSpec(enabled, filters, destinations);

            var scenario =
                from entryCount in Gen.Choose(0, 200)
                from entries in Gen.ArrayOf(entry, entryCount)
                from streamCount in Gen.Choose(1, 4)
                from streams in Gen.ArrayOf(stream, streamCount)
                select new Scenario(entries, streams);

            return scenario.ToArbitrary();
        }
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(Generators)])]
    public bool Each_destination_receives_exactly_the_entries_its_filters_pass_once_in_order(Scenario scenario)
    {
        return RunAsync(scenario).GetAwaiter().GetResult();
    }

    private static async Task<bool> RunAsync(Scenario scenario)
    {
        var factory = new RecordingSinkFactory();
        var options = StreamKit.Options(factory);
        for (var s = 0; s < scenario.Streams.Length; s++)
        {
            options.AddStream(ToConfig(s, scenario.Streams[s]));
        }

        var entries = scenario.Entries.Select(ToEntry).ToArray();
        await using (var provider = new HybridLoggerProvider(options))
        {
            foreach (var entry in entries)
            {
                provider.Write(entry);
            }

            await provider.FlushAsync(TestContext.Current.CancellationToken);

            for (var s = 0; s < scenario.Streams.Length; s++)
            {
                var spec = scenario.Streams[s];
                for (var d = 0; d < spec.Destinations.Length; d++)
                {
                    var expected = entries.Select((e, i) => (e, i))
                        .Where(x => spec.Enabled && AnyPasses(spec.Filters, x.i, scenario) && AnyPasses(spec.Destinations[d].FilterRefs.Select(r => spec.Filters[r]).ToArray(), x.i, scenario))
                        .Select(x => x.i)
                        .ToList();
                    var actual = factory[$"s{s}/d{d}"].Snapshot().Select(e => e.Seq()).ToList();
                    if (!expected.SequenceEqual(actual))
                    {
                        throw new InvalidOperationException($"Stream s{s} destination d{d}: expected [{string.Join(",", expected)}] but got [{string.Join(",", actual)}]");
                    }
                }
            }
        }

        return true;
    }

    // The reference model: enabled filters only; none enabled passes everything; any enabled filter passing suffices.
    private static bool AnyPasses(FilterSpec[] filters, int index, Scenario scenario)
    {
        var enabled = filters.Where(f => f.Enabled).ToList();
        return enabled.Count == 0 || enabled.Any(f => Passes(f, scenario.Entries[index]));
    }

    private static bool Passes(FilterSpec f, EntrySpec e)
    {
        if (f.Levels is { Length: > 0 } && !f.Levels.Contains(e.Level)) return false;
        if (f.MinLevel is { } min && e.Level < min) return false;
        if (f.Sources is { Length: > 0 } && !f.Sources.Contains(e.Source)) return false;
        if (f.Correlations is { Length: > 0 } && (e.Correlation is null || !f.Correlations.Contains(e.Correlation.Value))) return false;
        if (f.FromSecond is { } from && (e.Second < from || e.Second >= f.ToSecond!.Value)) return false;
        if (f.Keywords is { Length: > 0 } keywords)
        {
            var message = Message(e);
            var hits = keywords.Select(k => message.Contains(Words[k], StringComparison.OrdinalIgnoreCase)).ToList();
            if (f.AllKeywords ? !hits.All(h => h) : !hits.Any(h => h)) return false;
        }

        return f.PropertyMode switch
        {
            1 => e.Gold, // tier exists
            2 => e.Gold, // tier == gold (only value used)
            _ => true,
        };
    }

    private static string Message(EntrySpec e) => "Request " + string.Join(" ", e.Words.Select(w => Words[w].ToUpperInvariant()));

    private static LogEntry ToEntry(EntrySpec e, int index) => StreamKit.Entry(
        index,
        (LogLevel)e.Level,
        SourceNames[e.Source],
        e.Correlation is { } c ? CorrelationIds[c] : null,
        Message(e),
        Epoch.AddSeconds(e.Second),
        e.Gold ? "gold" : null);

    private static LogStreamConfig ToConfig(int index, StreamSpec spec) => new()
    {
        Id = $"s{index}",
        Enabled = spec.Enabled,
        Filters = [.. spec.Filters.Select((f, i) => new LogFilter
        {
            Id = $"f{i}",
            Enabled = f.Enabled,
            Levels = f.Levels?.Select(l => (LogLevel)l).ToList(),
            MinimumLevel = f.MinLevel is { } m ? (LogLevel)m : null,
            Sources = f.Sources?.Select(s => SourceNames[s]).ToList(),
            CorrelationIds = f.Correlations?.Select(c => CorrelationIds[c]).ToList(),
            Keywords = f.Keywords?.Select(k => Words[k]).ToList(),
            KeywordMatch = f.AllKeywords ? KeywordMatch.All : KeywordMatch.Any,
            From = f.FromSecond is { } from ? Epoch.AddSeconds(from) : null,
            To = f.ToSecond is { } to ? Epoch.AddSeconds(to) : null,
            Properties = f.PropertyMode switch
            {
                1 => new() { ["tier"] = null },
                2 => new() { ["tier"] = "gold" },
                _ => null,
            },
        })],
        Destinations = [.. spec.Destinations.Select((d, i) => StreamKit.Destination($"d{i}", [.. d.FilterRefs.Select(r => $"f{r}")]))],
    };
}
