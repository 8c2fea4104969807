using System.Diagnostics;
using HybridLogging.Formatting.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// Fills the one <see cref="LogEntryView"/> from a captured call, on the dispatcher thread: reads the state's values
/// once, renders the message from its template, lifts well-known names into typed fields, redacts, applies limits, and
/// adds the correlation context, scopes, trace ids and the exception. Everything downstream (filters, formatters,
/// observers, <see cref="LogEntry"/>) reads the view. Single-threaded; never throws.
/// </summary>
internal sealed class ViewBuilder
{
    private const string OriginalFormatKey = "{OriginalFormat}";
    private const int MaxValues = 256;
    private const int MaxCached = 4096;

    // Strings a call site passes again and again (names, statuses, hosts) are short; longer ones are not kept, so the
    // key cache holds at most MaxCached strings of this length.
    private const int MaxCachedStringLength = 256;

    private readonly Dictionary<string, TemplateShape> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, TemplateShape> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyInfo> _keys = new(StringComparer.Ordinal);
    private readonly List<object?> _plainScopes = [];
    private readonly List<string> _secrets = [];
    private readonly RecycledBoxes _boxes = new(MaxValues);
    private KeyValuePair<string, object?>[] _values = new KeyValuePair<string, object?>[16];
    private bool[] _redacted = new bool[16];
    private PipelineSettings? _settings;
    private TemplateShape? _lastShape;
    private ActivityTraceId _lastTraceId;
    private string? _lastTraceText;
    private ActivitySpanId _lastSpanId;
    private string? _lastSpanText;

    public void Build(PendingEntry pending, PipelineSettings settings, LogEntryView view, long sequence)
    {
        if (!ReferenceEquals(settings, _settings))
        {
            // Limits and redaction may have changed: every cached verdict is stale.
            _byReference.Clear();
            _byValue.Clear();
            _keys.Clear();
            _lastShape = null;
            _settings = settings;
        }

        view.Clear();
        view.Sequence = sequence;
        view.TimestampTicks = pending.TimestampTicks;
        view.Category = pending.Category.Category;
        view.Source = pending.Category.Source;
        view.EventId = pending.EventId;
        view.Metadata = settings.Metadata;
        view.Level = pending.Level;
        if ((uint)pending.Level > (uint)LogLevel.Critical)
        {
            // An undefined level ((LogLevel)99) is written as the most severe one; the number is kept.
            view.Level = LogLevel.Critical;
            view.AddProperty("levelValue", (int)pending.Level);
        }

        _secrets.Clear();
        if (pending.Ready is { } ready)
        {
            BuildFromEntry(ready, settings, view);
            return;
        }

        // A logged call's category state lives as long as its logger, so its encoded names are computed once; a written
        // entry's is made per entry (HybridLoggerProvider.Write), where encoding would cost more than escaping.
        view.Names = pending.Category;
        _boxes.BeginEntry();
        var count = pending.ReadValues(ref _values, MaxValues, _boxes);
        string? template = null;
        var valueCount = 0;
        for (var i = 0; i < count; i++)
        {
            if (_values[i].Key == OriginalFormatKey && template is null)
            {
                template = _values[i].Value as string;
                continue;
            }

            if (valueCount != i)
            {
                _values[valueCount] = _values[i]; // only after a template that was not last: no store (and barrier) in place
                _boxes.Move(i, valueCount);
            }

            valueCount++;
        }

        var values = _values.AsSpan(0, Math.Max(0, valueCount));
        var shape = template is null ? null : ShapeOf(template, settings);
        if (_redacted.Length < values.Length)
        {
            _redacted = new bool[Math.Max(values.Length, _redacted.Length * 2)];
        }

        var redacted = _redacted.AsSpan(0, values.Length);
        ApplyValues(shape, values, redacted, view, settings);
        RenderMessage(pending, shape, values, redacted, view, settings);
        view.MessageTemplate = shape?.OutputTemplate;
        if (shape is not null)
        {
            view.Shape = shape;
            shape.NoteEventName(pending.EventId.Name);
        }
        values.Clear();
        RedactSecretValues(view, settings);
        if (pending.ReadError is { } readError && view.PropertyCount < settings.MaxProperties)
        {
            view.AddProperty("stateError", $"[state enumeration failed: {readError}]");
        }

        if (pending.Correlation is { } correlation)
        {
            if (!view.HasCorrelationId)
            {
                view.SetCorrelation(correlation);
            }

            view.RequestId ??= correlation.RequestId;
            view.UserId ??= correlation.UserId;
            view.SessionId ??= correlation.SessionId;
            view.OperationType ??= correlation.OperationType;
        }

        if (pending.ScopeCount > 0)
        {
            ApplyScopes(pending.Scopes, view, settings);
        }

        if (pending.HasActivity)
        {
            view.TraceId = TraceText(pending.TraceId);
            view.SpanId = SpanText(pending.SpanId);
        }

        if (!view.HasCorrelationId)
        {
            view.CorrelationId = view.TraceId;
        }

        view.SetException(pending.Exception);
        if (pending.Error is { } error)
        {
            view.SetError(ErrorCapture.WithCode(error, view.ErrorCode));
        }
    }

    private void ApplyValues(TemplateShape? shape, ReadOnlySpan<KeyValuePair<string, object?>> values, Span<bool> redacted, LogEntryView view, PipelineSettings settings)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var keys = shape is not null && shape.KeysMatch(values) ? shape.Keys : default;
        if (keys.IsEmpty && shape is not null)
        {
            var infos = new KeyInfo[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                infos[i] = KeyOf(values[i].Key ?? string.Empty, settings);
            }

            shape.SetKeys(infos);
            keys = infos;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var key = keys.IsEmpty ? KeyOf(values[i].Key ?? string.Empty, settings) : keys[i];
            redacted[i] = key.Redacted;
            Apply(key, values[i].Value, view, settings, _boxes.IsRecycled(i));
        }
    }

    private void RenderMessage(PendingEntry pending, TemplateShape? shape, ReadOnlySpan<KeyValuePair<string, object?>> values, ReadOnlySpan<bool> redacted, LogEntryView view, PipelineSettings settings)
    {
        // A call without arguments keeps MEL's own rendering: its extension methods leave such a template as it is
        // ("a {{b}}"), LoggerMessage.Define unescapes it; the state's formatter knows which it is.
        var argless = values.IsEmpty && shape is { HasBraces: true };
        if (shape?.Segments is { } segments && pending.PreRendered is null && !argless &&
            (pending.RendersTemplate || pending.SnapshotCount >= 0))
        {
            MessageRenderer.Render(view, segments, values, redacted, default, settings.MaxMessageLength, settings.Limits.MaxItems);
            return;
        }

        if (shape?.Segments is { } named && pending.PreRendered is null && !argless && shape.HoleToKey is { } holeToKey && shape.KeysMatch(values))
        {
            // A state of the source generator's own (or another key/value state): its formatter renders the template
            // by name, so the dispatcher renders it the same way instead of calling it for a string.
            MessageRenderer.Render(view, named, values, redacted, holeToKey, settings.MaxMessageLength, settings.Limits.MaxItems);
            return;
        }

        string text;
        try
        {
            text = pending.RenderMessage() ?? string.Empty;
        }
        catch (Exception ex)
        {
            text = $"[message formatting failed: {ex.GetType().Name}]";
        }

        // A state's own formatter put the values into the text where only it knows: a secret's value is replaced where
        // it stands as a whole word, so short secrets do not garble the rest ("Log*** adm***").
        MessageRenderer.SetText(view, _secrets.Count == 0 ? text : SecretText.ReplaceWholeWords(text, _secrets), settings.MaxMessageLength);
    }

    private void Apply(KeyInfo key, object? value, LogEntryView view, PipelineSettings settings, bool recycled = false)
    {
        if (key.Field != WellKnownField.None && !key.Redacted)
        {
            if (key.Field == WellKnownField.ErrorCode)
            {
                view.ErrorCode ??= WellKnownFields.AsId(value);
            }
            else if (WellKnownFields.TryLift(view, key.Field, value))
            {
                return;
            }
        }

        if (key.Redacted)
        {
            CollectSecret(value, settings);
        }

        if (view.PropertyCount >= settings.MaxProperties || view.HasProperty(key.Name))
        {
            return; // bounded; and the first (most specific) value of a name wins
        }

        var stored = key.Redacted ? ValueSnapshot.RedactedMarker : NormalizeFor(key, value, settings);
        view.AddProperty(key.Name, stored, key.EncodedName, recycled && ReferenceEquals(stored, value));
    }

    private static object? NormalizeFor(KeyInfo key, object? value, PipelineSettings settings)
    {
        if (value is not string text || text.Length > MaxCachedStringLength)
        {
            return Normalize(value, settings); // a long string is not kept alive by the cache
        }

        if (ReferenceEquals(text, key.LastString))
        {
            return key.LastNormalized;
        }

        var normalized = Normalize(text, settings);
        key.LastString = text;
        key.LastNormalized = normalized;
        return normalized;
    }

    private void ApplyScopes(ReadOnlySpan<object?> scopes, LogEntryView view, PipelineSettings settings)
    {
        _plainScopes.Clear();
        for (var i = scopes.Length - 1; i >= 0; i--)
        {
            // Innermost scope first, so it wins over outer ones; message properties win over all scopes.
            var scope = scopes[i];
            try
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    var taken = 0;
                    foreach (var pair in pairs)
                    {
                        if (taken++ == settings.Limits.MaxItems)
                        {
                            break; // bounded: an endless scope state must not stall the dispatcher
                        }

                        if (pair.Key != OriginalFormatKey)
                        {
                            Apply(KeyOf(pair.Key ?? string.Empty, settings), pair.Value, view, settings);
                        }
                    }
                }
                else if (scope is not null)
                {
                    _plainScopes.Add(ValueSnapshot.SafeToString(scope, settings.Limits.MaxStringLength));
                }
            }
            catch (Exception ex)
            {
                _plainScopes.Add($"[scope enumeration failed: {ex.GetType().Name}]");
            }
        }

        if (_plainScopes.Count > 0 && !view.HasProperty("scope") && view.PropertyCount < settings.MaxProperties)
        {
            _plainScopes.Reverse();
            view.AddProperty("scope", _plainScopes.ToArray());
        }
    }

    private void BuildFromEntry(LogEntry entry, PipelineSettings settings, LogEntryView view)
    {
        view.LoadFields(entry);
        view.MessageTemplate = entry.MessageTemplate is null ? null : ValueSnapshot.Sanitize(entry.MessageTemplate, settings.MaxMessageLength);
        view.Metadata = entry.Metadata ?? settings.Metadata;
        foreach (var (key, value) in entry.Properties)
        {
            // Written entries get the same redaction and limits as logged ones, so sinks never see unredacted values.
            Apply(KeyOf(key ?? string.Empty, settings), value, view, settings);
        }

        var message = entry.Message ?? string.Empty;
        MessageRenderer.SetText(view, _secrets.Count == 0 ? message : SecretText.ReplaceWholeWords(message, _secrets), settings.MaxMessageLength);
        RedactSecretValues(view, settings);
    }

    /// <summary>Secret-looking values in the message (a token pasted into text, a connection string) become <c>***</c>.</summary>
    private static void RedactSecretValues(LogEntryView view, PipelineSettings settings)
    {
        if (settings.SecretValues is { } patterns && patterns.ContainsSecret(view.Message))
        {
            view.SetMessage(patterns.Redact(view.Message.ToString()));
        }
    }

    private static object? Normalize(object? value, PipelineSettings settings) => value switch
    {
        null or bool or int or long or double or float or decimal or short or ushort or uint or ulong or byte or sbyte
            or DateTime or DateTimeOffset or TimeSpan or Guid => value,
        string s => ValueSnapshot.RedactValues(ValueSnapshot.Sanitize(s, settings.Limits.MaxStringLength), settings.Limits),
        _ => ValueSnapshot.Take(value, settings.Limits),
    };

    private void CollectSecret(object? value, PipelineSettings settings) => ValueSnapshot.Redact(value, settings.Limits, _secrets);

    private TemplateShape ShapeOf(string template, PipelineSettings settings)
    {
        if (_lastShape is { } last && ReferenceEquals(last.Template, template))
        {
            return last;
        }

        if (!_byReference.TryGetValue(template, out var shape))
        {
            if (!_byValue.TryGetValue(template, out shape))
            {
                if (_byValue.Count >= MaxCached)
                {
                    _byValue.Clear(); // bounded: templates built at run time must not grow the cache without limit
                }

                shape = TemplateShape.Parse(template, settings.MaxMessageLength);
                _byValue[template] = shape;
            }

            if (_byReference.Count >= MaxCached)
            {
                _byReference.Clear();
            }

            _byReference[template] = shape;
        }

        _lastShape = shape;
        return shape;
    }

    private KeyInfo KeyOf(string key, PipelineSettings settings)
    {
        if (_keys.TryGetValue(key, out var info))
        {
            return info;
        }

        var name = key.Length == 0 ? "_" : ValueSnapshot.Sanitize(key, 256);
        info = new KeyInfo(key, name, Utf8Writer.EscapedBytes(name), WellKnownFields.Of(key), settings.IsRedacted(name));
        if (_keys.Count >= MaxCached)
        {
            _keys.Clear(); // bounded: dynamic keys must not grow the cache without limit
        }

        _keys[key] = info;
        return info;
    }

    private string TraceText(ActivityTraceId id)
    {
        if (_lastTraceText is null || id != _lastTraceId)
        {
            _lastTraceId = id;
            _lastTraceText = id.ToHexString();
        }

        return _lastTraceText;
    }

    private string SpanText(ActivitySpanId id)
    {
        if (_lastSpanText is null || id != _lastSpanId)
        {
            _lastSpanId = id;
            _lastSpanText = id.ToHexString();
        }

        return _lastSpanText;
    }
}
