using System.Collections;
using System.Globalization;
using HybridLogging.Formatting.Internal;

namespace HybridLogging.Internal;

/// <summary>
/// Renders a parsed template with its values into the view's message buffer, the way MEL's <c>LogValuesFormatter</c>
/// does (invariant culture, <c>(null)</c>, sequences joined with <c>", "</c>), with three differences that keep the
/// dispatcher safe: output is capped at the message limit while it is produced (a hostile width or precision never
/// allocates more), a secret's hole shows <c>***</c> and nothing else of the text changes, and a hole without a value
/// keeps its original text (<c>{Name}</c>) instead of failing the whole message.
/// </summary>
internal static class MessageRenderer
{
    private const string NullText = "(null)";

    public static void Render(
        LogEntryView view,
        Segment[] segments,
        ReadOnlySpan<KeyValuePair<string, object?>> values,
        ReadOnlySpan<bool> redacted,
        ReadOnlySpan<int> holeToValue,
        int maxLength,
        int maxItems)
    {
        var output = new Output(view, maxLength);
        foreach (var segment in segments)
        {
            if (output.Full)
            {
                break;
            }

            if (segment.Literal is { } literal)
            {
                output.Append(literal);
                continue;
            }

            var start = output.Length;
            output.StartValue();
            var index = holeToValue.IsEmpty ? segment.Hole : holeToValue[segment.Hole];
            if (index >= values.Length)
            {
                output.Append(segment.HoleText);
                continue;
            }

            if (index < redacted.Length && redacted[index])
            {
                output.Append(ValueSnapshot.RedactedMarker);
            }
            else
            {
                var value = values[index].Value;
                AppendValue(ref output, value, segment.Format, maxItems);
                if (segment.Format is null && segment.Alignment == 0 && !output.Full &&
                    value is double d && double.IsFinite(d))
                {
                    // The shortest round-trip text, as the JSON writer would format it: let it copy this instead.
                    view.NoteNumberText(value, start, output.Length - start);
                    view.NoteFieldText(d, start, output.Length - start);
                }
            }

            output.Align(start, segment.Alignment);
        }

        output.Finish();
    }

    /// <summary>Sets a message rendered elsewhere (a state's own formatter), applying the same limits.</summary>
    public static void SetText(LogEntryView view, string text, int maxLength)
    {
        var output = new Output(view, maxLength);
        output.Append(text);
        output.Finish();
    }

    private static void AppendValue(ref Output output, object? value, string? format, int maxItems)
    {
        try
        {
            switch (value)
            {
                case null:
                    output.Append(NullText);
                    return;
                case string s:
                    output.Append(s);
                    return;
                case bool b:
                    output.Append(b ? bool.TrueString : bool.FalseString);
                    return;
                case IEnumerable sequence:
                    AppendSequence(ref output, sequence, maxItems);
                    if (output.Full)
                    {
                        output.CutLengthUnknown(); // the items after the cut were never rendered
                    }

                    return;
                case double d when format is null:
                    output.AppendDouble(d, (ISpanFormattable)value);
                    return;
                case ISpanFormattable formattable:
                    output.AppendFormatted(formattable, LimitFormat(format, output.Remaining));
                    return;
                case IFormattable formattable:
                    output.Append(formattable.ToString(LimitFormat(format, output.Remaining), CultureInfo.InvariantCulture));
                    return;
                default:
                    output.Append(value.ToString() ?? string.Empty);
                    return;
            }
        }
        catch (FormatException)
        {
            // An invalid format for this value ({Count:Q}): MEL would fail the whole message; the value alone is kept.
            AppendValue(ref output, value, null, maxItems);
        }
        catch (Exception ex)
        {
            output.Append($"[ToString() threw {ex.GetType().Name}]");
        }
    }

    private static void AppendSequence(ref Output output, IEnumerable sequence, int maxItems)
    {
        var count = 0;
        foreach (var item in sequence)
        {
            if (count == maxItems || output.Full)
            {
                output.Append(", …");
                return;
            }

            if (count++ > 0)
            {
                output.Append(", ");
            }

            switch (item)
            {
                case null:
                    output.Append(NullText);
                    break;
                case string s:
                    output.Append(s);
                    break;
                case ISpanFormattable formattable:
                    output.AppendFormatted(formattable, null);
                    break;
                default:
                    output.Append(Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty);
                    break;
            }
        }
    }

    /// <summary>
    /// A format whose precision asks for more characters than are left (<c>D999999999</c>, <c>N999999999</c>) is dropped
    /// before formatting: the runtime would build the whole text (gigabytes, seconds) before finding it does not fit.
    /// </summary>
    private static string? LimitFormat(string? format, int remaining)
    {
        if (format is null)
        {
            return null;
        }

        var digits = 0L;
        foreach (var c in format)
        {
            digits = char.IsAsciiDigit(c) ? Math.Min(digits * 10 + (c - '0'), int.MaxValue) : 0;
            if (digits > remaining)
            {
                return null;
            }
        }

        return format;
    }

    /// <summary>The message being written, capped at the limit (then the truncation marker is added).</summary>
    private ref struct Output(LogEntryView view, int maxLength)
    {
        private char[] _buffer = view.MessageBuffer(Math.Min(maxLength, 256) + ValueSnapshot.TruncatedMarker.Length);
        private bool _truncated;
        private int _valueCut; // characters of the current value lost to the limit; -1 when not known

        public int Length { get; private set; }

        public readonly bool Full => _truncated;

        public readonly int Remaining => maxLength - Length;

        /// <summary>Marks where a hole's value starts, so <see cref="Align"/> knows how much of it the limit cut.</summary>
        public void StartValue() => _valueCut = 0;

        /// <summary>The current value was cut by the limit without its whole length being known.</summary>
        public void CutLengthUnknown() => _valueCut = -1;

        public void Append(scoped ReadOnlySpan<char> text)
        {
            if (_truncated)
            {
                if (_valueCut >= 0)
                {
                    _valueCut += text.Length;
                }

                return;
            }

            var take = Math.Min(text.Length, maxLength - Length);
            Reserve(take);
            text[..take].CopyTo(_buffer.AsSpan(Length));
            Length += take;
            _truncated = take < text.Length;
            _valueCut += text.Length - take;
        }

        /// <summary>A double without a format: its shortest round-trip text, the common values without the runtime's general algorithm.</summary>
        public void AppendDouble(double value, ISpanFormattable boxed)
        {
            Span<char> text = stackalloc char[32];
            if (ShortDouble.TryFormat(value, text, out var written))
            {
                Append(text[..written]);
            }
            else
            {
                AppendFormatted(boxed, null);
            }
        }

        public void AppendFormatted(ISpanFormattable value, string? format)
        {
            if (_truncated)
            {
                CutLengthUnknown();
                return;
            }

            while (true)
            {
                var room = Math.Min(_buffer.Length, maxLength) - Length;
                if (room > 0 && value.TryFormat(_buffer.AsSpan(Length, room), out var written, format, CultureInfo.InvariantCulture))
                {
                    Length += written;
                    return;
                }

                if (Math.Min(_buffer.Length, maxLength) >= maxLength)
                {
                    // Does not fit in what is left of the message: format it aside (bounded) and keep what fits.
                    AppendCut(value, format);
                    return;
                }

                Reserve(Math.Min(maxLength, _buffer.Length * 2) - Length);
            }
        }

        private void AppendCut(ISpanFormattable value, string? format)
        {
            var scratch = System.Buffers.ArrayPool<char>.Shared.Rent(4096);
            try
            {
                if (value.TryFormat(scratch, out var written, format, CultureInfo.InvariantCulture))
                {
                    Append(scratch.AsSpan(0, written));
                }
                else
                {
                    _truncated = true; // longer than 4,096 characters: cut, not produced
                    CutLengthUnknown();
                }
            }
            finally
            {
                System.Buffers.ArrayPool<char>.Shared.Return(scratch);
            }
        }

        /// <summary>Pads the text written since <paramref name="start"/> as composite formatting's alignment does.</summary>
        public void Align(int start, int alignment)
        {
            var width = Math.Abs(alignment);
            var written = Length - start;
            if (_truncated)
            {
                AlignCutValue(start, alignment);
                return;
            }

            if (written >= width)
            {
                return;
            }

            // The padded text is cut at the limit as a whole: right alignment keeps all of its padding and as much
            // of the value as still fits, so the message equals composite formatting's output cut to the limit.
            var fullPad = width - written;
            var room = maxLength - start;
            var total = Math.Min(width, room);
            Reserve(total - written);
            if (alignment > 0)
            {
                var pad = Math.Min(fullPad, total);
                _buffer.AsSpan(start, total - pad).CopyTo(_buffer.AsSpan(start + pad));
                _buffer.AsSpan(start, pad).Fill(' ');
            }
            else
            {
                _buffer.AsSpan(Length, total - written).Fill(' ');
            }

            Length = start + total;
            _truncated = total < width;
        }

        /// <summary>
        /// Right alignment of a value the limit cut: composite formatting pads the whole value, then the message is cut,
        /// so the padding comes first and the value keeps what still fits. Left padding would follow the cut: none.
        /// </summary>
        private void AlignCutValue(int start, int alignment)
        {
            // A message already cut before this value left it no room (room 0): nothing moves then.
            var room = Length - start;
            var full = room + _valueCut;
            if (alignment <= 0 || _valueCut < 0 || full >= alignment)
            {
                return;
            }

            var pad = Math.Min(alignment - full, room);
            var keep = room - pad;
            _buffer.AsSpan(start, keep).CopyTo(_buffer.AsSpan(start + pad));
            _buffer.AsSpan(start, pad).Fill(' ');
        }

        public void Finish()
        {
            if (_truncated)
            {
                Reserve(ValueSnapshot.TruncatedMarker.Length);
                ValueSnapshot.TruncatedMarker.CopyTo(_buffer.AsSpan(Length));
                Length += ValueSnapshot.TruncatedMarker.Length;
            }

            ValueSnapshot.RepairSurrogates(_buffer.AsSpan(0, Length));
            view.SetMessageLength(Length);
        }

        private void Reserve(int count)
        {
            if (_buffer.Length - Length < count)
            {
                _buffer = view.MessageBuffer(Length + count + ValueSnapshot.TruncatedMarker.Length);
            }
        }
    }
}
