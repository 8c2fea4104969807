using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HybridLogging.Insights.Stats;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Patterns;

/// <summary>
/// The pattern and error-group tables: each a Space-Saving structure of bounded capacity. A templated entry costs one
/// lookup by reference in a bounded (template, source) cache; free text is normalised into a reused buffer and looked up
/// by span, so a string is made only when a new pattern enters the table. Not thread-safe (the caller holds the lock).
/// </summary>
internal sealed class PatternTable
{
    // Property keys are merged from a pattern's first entries and then from every 64th: the keys of one pattern rarely
    // change, and comparing them on every entry would be most of the per-entry cost.
    private const int KeysFromFirst = 16;
    private const int KeysEveryMask = 63;
    private const int SampleFromFirst = 64;

    private readonly SpaceSaving<PatternKey, PatternCounter> _patterns;
    private readonly Dictionary<PatternKey, PatternCounter>.AlternateLookup<PatternSpanKey> _bySpan;
    private readonly SpaceSaving<ErrorKey, ErrorCounter> _errors;
    // Direct-mapped cache (template, source) -> counter by reference: one array read and two reference compares per
    // templated entry, bounded by construction (a collision overwrites). A dictionary would hash through an interface.
    private readonly TemplateSlot[] _templates;
    // Direct-mapped cache normalised text -> counter, indexed by XxHash3 of the text (a few times faster than the
    // randomised string hash on a 60-character pattern) and checked against the counter's own key, so a collision or an
    // evicted counter is only a miss. Misses go to the dictionary, which keeps the randomised hash: crafted messages can
    // make the cache miss but cannot flood the table's buckets.
    private readonly PatternCounter?[] _freeText;
    private readonly MessageNormalizer _normalizer;

    public PatternTable(PatternOptions options, TimeWindows windows)
    {
        _patterns = new(options.MaxPatterns, () => new PatternCounter(windows, options.MaxSamples, options.MaxPropertyKeys), PatternKeyComparer.Instance);
        _bySpan = _patterns.Map.GetAlternateLookup<PatternSpanKey>();
        _errors = new(options.MaxErrorGroups, () => new ErrorCounter(windows));
        _templates = new TemplateSlot[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(options.MaxPatterns * 4, 64, 1 << 16))];
        _freeText = new PatternCounter?[_templates.Length];
        _normalizer = new MessageNormalizer(options.MaxMessageLength);
    }

    public SpaceSaving<PatternKey, PatternCounter> Patterns => _patterns;

    public SpaceSaving<ErrorKey, ErrorCounter> Errors => _errors;

    public PatternCounter Observe(LogEntryView entry, TimeUnits units)
    {
        var counter = Find(entry);
        var level = Math.Clamp((int)entry.Level, 0, LevelRing.Levels - 1);
        var ticks = entry.TimestampTicks;
        if (counter.Seen == 1)
        {
            counter.FirstSeenTicks = counter.LastSeenTicks = ticks;
        }

        counter.Levels[level]++;
        counter.HighestLevel = Math.Max(counter.HighestLevel, level);
        counter.LastSeenTicks = Math.Max(counter.LastSeenTicks, ticks);
        counter.Windowed.Add(units);
        // Sampling stops after a pattern's first entries even when fewer distinct messages were seen (a constant message
        // would otherwise be compared with the samples on every entry).
        if (counter.WantsSample && counter.Seen <= SampleFromFirst)
        {
            counter.AddSample(entry.Message);
        }

        var seen = counter.Seen;
        if (seen <= KeysFromFirst || (seen & KeysEveryMask) == 0)
        {
            MergeKeys(counter, entry);
        }

        if (entry.Level >= LogLevel.Error || entry.HasError)
        {
            ObserveError(entry, counter, level, units);
        }

        return counter;
    }

    private PatternCounter Find(LogEntryView entry)
    {
        var source = entry.Source;
        if (entry.MessageTemplate is { } template)
        {
            var index = ((RuntimeHelpers.GetHashCode(template) * 31) + RuntimeHelpers.GetHashCode(source)) & (_templates.Length - 1);
            ref var slot = ref _templates[index];
            if (ReferenceEquals(slot.Template, template) && ReferenceEquals(slot.Source, source)
                && ReferenceEquals(slot.Counter!.Key.Pattern, template) && ReferenceEquals(slot.Counter.Key.Source, source))
            {
                _patterns.Increment(slot.Counter);
                return slot.Counter;
            }

            if (HasHoles(template))
            {
                var key = new PatternKey(source, template);
                if (_patterns.Map.TryGetValue(key, out var counter))
                {
                    _patterns.Increment(counter);
                }
                else
                {
                    counter = _patterns.Add(key);
                    counter.IsTemplate = true;
                }

                // Cached only when the counter holds this very string (an equal pattern first seen as free text does not).
                if (ReferenceEquals(counter.Key.Pattern, template) && ReferenceEquals(counter.Key.Source, source))
                {
                    slot = new TemplateSlot(template, source, counter);
                }

                return counter;
            }
        }

        var normalized = _normalizer.Normalize(entry.Message);
        var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(normalized));
        ref var cached = ref _freeText[(int)(hash ^ (hash >> 32) ^ (uint)RuntimeHelpers.GetHashCode(source)) & (_freeText.Length - 1)];
        if (cached is { } hit && string.Equals(hit.Key.Source, source, StringComparison.Ordinal) && normalized.SequenceEqual(hit.Key.Pattern) && IsLive(_patterns, hit))
        {
            _patterns.Increment(hit);
            return hit;
        }

        if (_bySpan.TryGetValue(new PatternSpanKey(source, normalized), out var found))
        {
            _patterns.Increment(found);
        }
        else
        {
            found = _patterns.Add(new PatternKey(source, new string(normalized)));
        }

        cached = found;
        return found;
    }

    // A counter taken from a cache is still in its table (counters are reused for other keys when evicted; the callers
    // also compare the key).
    private static bool IsLive<TKey, TItem>(SpaceSaving<TKey, TItem> table, TItem counter)
        where TKey : notnull
        where TItem : SpaceSavingItem<TKey>
        => counter.HeapIndex < table.Count && ReferenceEquals(table.Items[counter.HeapIndex], counter);

    private static void MergeKeys(PatternCounter counter, LogEntryView entry)
    {
        for (var i = 0; i < entry.PropertyCount; i++)
        {
            counter.AddKey(entry.GetPropertyName(i));
        }

        if (entry.Metadata is { Count: > 0 } metadata)
        {
            foreach (var key in metadata.Keys)
            {
                counter.AddKey(key);
            }
        }
    }

    private void ObserveError(LogEntryView entry, PatternCounter pattern, int level, TimeUnits units)
    {
        var type = entry.Exception?.GetType().FullName ?? (entry.HasError ? entry.Error?.Type : null) ?? string.Empty;
        // A pattern's errors are mostly of one type: its last error group is checked first (by reference to the
        // pattern's strings), which spares hashing the pattern text again.
        var error = pattern.LastError;
        if (error is not null && ReferenceEquals(error.Key.Pattern, pattern.Key.Pattern) && ReferenceEquals(error.Key.Source, pattern.Key.Source)
            && string.Equals(error.Key.ExceptionType, type, StringComparison.Ordinal) && IsLive(_errors, error))
        {
            _errors.Increment(error);
        }
        else
        {
            var key = new ErrorKey(type, pattern.Key.Source, pattern.Key.Pattern);
            if (_errors.Map.TryGetValue(key, out error))
            {
                _errors.Increment(error);
            }
            else
            {
                error = _errors.Add(key);
            }

            pattern.LastError = error;
        }

        var ticks = entry.TimestampTicks;
        if (error.Count - error.Error == 1)
        {
            error.FirstSeenTicks = error.LastSeenTicks = ticks;
            error.Sample = entry.Message.ToString();
        }

        error.HighestLevel = Math.Max(error.HighestLevel, level);
        error.LastSeenTicks = Math.Max(error.LastSeenTicks, ticks);
        error.Windowed.Add(units);
    }

    // A template with a hole ("{Name}", not the escape "{{") is the pattern itself; one without is free text.
    internal static bool HasHoles(string template)
    {
        var span = template.AsSpan();
        var open = span.IndexOf('{');
        while (open >= 0 && open + 1 < span.Length)
        {
            if (span[open + 1] != '{')
            {
                return span[(open + 1)..].Contains('}');
            }

            span = span[(open + 2)..];
            open = span.IndexOf('{');
        }

        return false;
    }

    private readonly record struct TemplateSlot(string? Template, string? Source, PatternCounter? Counter);
}
