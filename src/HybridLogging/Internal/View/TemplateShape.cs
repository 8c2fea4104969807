using System.Globalization;
using System.Text;

namespace HybridLogging.Internal;

/// <summary>
/// A message template parsed once: literal runs and holes (<c>{Name[,alignment][:format]}</c>, <c>{{</c> and <c>}}</c> as
/// escapes), as MEL's <c>LogValuesFormatter</c> reads them, plus the per-key facts the view needs for the template's
/// values (their <see cref="KeyInfo"/>), so a call site's keys are classified once, not per entry.
/// </summary>
internal sealed class TemplateShape
{
    private KeyInfo[] _keys = [];
    private EncodedText? _eventName;

    private TemplateShape(string template, string outputTemplate, Segment[]? segments, int holeCount)
    {
        Template = template;
        OutputTemplate = outputTemplate;
        EncodedOutputTemplate = Formatting.Internal.Utf8Writer.EscapedBytes(outputTemplate);
        Segments = segments;
        HoleCount = holeCount;
    }

    public string Template { get; }

    /// <summary>The template as written to outputs (truncated and repaired to the message limit).</summary>
    public string OutputTemplate { get; }

    /// <summary><see cref="OutputTemplate"/> as the JSON writer writes it (escaped UTF-8, no quotes).</summary>
    public byte[] EncodedOutputTemplate { get; }

    /// <summary>The parsed template, or null when it is malformed (then only the state's formatter can render it).</summary>
    public Segment[]? Segments { get; }

    public int HoleCount { get; }

    /// <summary>Whether the template holds braces (holes or <c>{{</c>/<c>}}</c> escapes).</summary>
    public bool HasBraces => Template.AsSpan().IndexOfAny('{', '}') >= 0;

    /// <summary>Key facts for the values of the last call seen with this template, when its keys match.</summary>
    public ReadOnlySpan<KeyInfo> Keys => _keys;

    /// <summary>
    /// Keeps the encoded text of the event name last logged with this template (a call site logs one template with one
    /// event id), so the JSON writer copies it instead of escaping it per entry. Dispatcher thread only.
    /// </summary>
    public void NoteEventName(string? name)
    {
        if (name is not null && !ReferenceEquals(_eventName?.Text, name))
        {
            _eventName = new EncodedText(name, Formatting.Internal.Utf8Writer.EscapedBytes(name));
        }
    }

    /// <summary>The encoded event name noted last, when it is <paramref name="name"/> itself (the same instance).</summary>
    public byte[]? EncodedEventName(string? name) => _eventName is { } noted && ReferenceEquals(noted.Text, name) ? noted.Bytes : null;

    public bool KeysMatch(ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        var keys = _keys;
        if (keys.Length != values.Length || keys.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (!ReferenceEquals(keys[i].Key, values[i].Key) && !string.Equals(keys[i].Key, values[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// For each hole, the index of the value with the hole's name, when every hole's name is exactly one key of the last
    /// call seen; null otherwise. The source generator's own state structs list their values in parameter order, which
    /// differs from the template's when placeholders are reordered, and render by name: so can the dispatcher.
    /// </summary>
    public int[]? HoleToKey { get; private set; }

    public void SetKeys(KeyInfo[] keys)
    {
        _keys = keys;
        HoleToKey = null;
        if (Segments is null || HoleCount == 0)
        {
            return;
        }

        var map = new int[HoleCount];
        foreach (var segment in Segments)
        {
            if (segment.HoleText is not { } text)
            {
                continue;
            }

            var name = text.AsSpan(1, text.Length - 2);
            var end = name.IndexOfAny(',', ':');
            name = name[..(end < 0 ? name.Length : end)].Trim();
            var found = -1;
            for (var i = 0; i < keys.Length; i++)
            {
                if (name.SequenceEqual(keys[i].Key))
                {
                    if (found >= 0)
                    {
                        return; // a name twice: only position can tell
                    }

                    found = i;
                }
            }

            if (found < 0)
            {
                return;
            }

            map[segment.Hole] = found;
        }

        HoleToKey = map;
    }

    public static TemplateShape Parse(string template, int maxMessageLength)
    {
        var output = ValueSnapshot.Sanitize(template, maxMessageLength);
        if (template.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return new TemplateShape(template, output, [new Segment(template, -1, 0, null, null)], 0);
        }

        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var hole = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                return Malformed(template, output);
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                return Malformed(template, output);
            }

            var spec = template.AsSpan(i + 1, end - i - 1);
            if (spec.IndexOf('{') >= 0 || spec.Length == 0)
            {
                return Malformed(template, output);
            }

            var nameEnd = spec.IndexOfAny(',', ':');
            var alignment = 0;
            string? format = null;
            if (nameEnd >= 0)
            {
                var rest = spec[nameEnd..];
                if (rest[0] == ',')
                {
                    var colon = rest.IndexOf(':');
                    var digits = (colon >= 0 ? rest[1..colon] : rest[1..]).Trim();
                    if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var wide))
                    {
                        return Malformed(template, output);
                    }

                    // A hostile width ({A,999999999}) is capped at the message limit before anything is formatted.
                    alignment = (int)Math.Clamp(wide, -maxMessageLength, maxMessageLength);
                    rest = colon >= 0 ? rest[colon..] : [];
                }

                if (rest.Length > 0)
                {
                    format = rest[1..].ToString();
                }
            }

            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), -1, 0, null, null));
                literal.Clear();
            }

            segments.Add(new Segment(null, hole++, alignment, format, template[i..(end + 1)]));
            i = end;
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), -1, 0, null, null));
        }

        return new TemplateShape(template, output, [.. segments], hole);
    }

    private static TemplateShape Malformed(string template, string output) => new(template, output, null, 0);
}

/// <summary>A text and its JSON-escaped UTF-8 bytes, replaced as one object so a reader never pairs a text with another's bytes.</summary>
internal sealed record EncodedText(string Text, byte[] Bytes);

/// <summary>A literal run (<see cref="Literal"/> set), or a hole: its value index, alignment, format and original text.</summary>
internal readonly record struct Segment(string? Literal, int Hole, int Alignment, string? Format, string? HoleText);

/// <summary>What is known about one property key: its output name, whether it names a secret, and the field it lifts into.</summary>
internal sealed class KeyInfo(string key, string name, byte[] encodedName, WellKnownField field, bool redacted)
{
    public string Key { get; } = key;

    /// <summary>The name written to outputs (sanitized; an empty key becomes <c>_</c>).</summary>
    public string Name { get; } = name;

    /// <summary><see cref="Name"/> JSON-escaped as UTF-8, without quotes.</summary>
    public byte[] EncodedName { get; } = encodedName;

    public WellKnownField Field { get; } = field;

    public bool Redacted { get; } = redacted;

    // The last string value normalized under this key and its result (dispatcher thread only). Call sites log the same
    // string instance again and again (a provider name, a status, a customer), strings are immutable, and a key's facts
    // are dropped with the settings they were computed under, so a reference-equal value reuses the result instead of
    // being checked for lone surrogates and scanned for secrets again.
    public string? LastString { get; set; }

    public object? LastNormalized { get; set; }
}
