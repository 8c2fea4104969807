using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HybridLogging.Formatting.Internal;

/// <summary>
/// Appends UTF-8 to an <see cref="IBufferWriter{T}"/> in large spans, with JSON string escaping. The formatters write
/// with it instead of <see cref="System.Text.Json.Utf8JsonWriter"/>: per entry, the general writer's validation, state
/// tracking and per-call escaping checks were most of the formatting time, while a log line's structure is fixed and
/// its names are constant (encoded once). Never throws for any text: lone surrogates become U+FFFD.
/// </summary>
internal ref struct Utf8Writer
{
    private const int MinChunk = 1024;

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    public Utf8Writer(IBufferWriter<byte> output, int sizeHint)
    {
        _output = output;
        _span = output.GetSpan(Math.Max(sizeHint, MinChunk));
        _position = 0;
    }

    /// <summary>
    /// <paramref name="text"/> JSON-escaped as UTF-8, without quotes: the bytes <see cref="Escaped"/> writes for it, for
    /// names and constants that are written on every entry (encoded once, then copied).
    /// </summary>
    public static byte[] EscapedBytes(string text)
    {
        var buffer = new ArrayBufferWriter<byte>((text.Length * 3) + 8);
        var writer = new Utf8Writer(buffer, (text.Length * 3) + 8);
        writer.Escaped(text);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Hands what was written to the output. Call once at the end.</summary>
    public void Flush()
    {
        _output.Advance(_position);
        _span = default;
        _position = 0;
    }

    public void Raw(scoped ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_span[_position..]);
        _position += bytes.Length;
    }

    public void Byte(byte value)
    {
        Ensure(1);
        _span[_position++] = value;
    }

    /// <summary>Writes <paramref name="text"/> JSON-escaped, without quotes.</summary>
    public void Escaped(scoped ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            Ensure(text.Length);
            var plain = CopyPlain(text, _span[_position..]);
            _position += plain;
            if (plain == text.Length)
            {
                return;
            }

            text = text[plain..];
            var c = text[0];
            if (c >= 0x80)
            {
                // A run of non-ASCII text: copied as UTF-8, except the few characters JSON consumers choke on.
                var end = 1;
                while (end < text.Length && text[end] >= 0x80 && text[end] != '\u2028' && text[end] != '\u2029')
                {
                    end++;
                }

                if (c is '\u2028' or '\u2029')
                {
                    Unicode(c);
                    text = text[1..];
                    continue;
                }

                NonAscii(text[..end]);
                text = text[end..];
                continue;
            }

            switch (c)
            {
                case '"': Raw("\\\""u8); break;
                case '\\': Raw("\\\\"u8); break;
                case '\n': Raw("\\n"u8); break;
                case '\r': Raw("\\r"u8); break;
                case '\t': Raw("\\t"u8); break;
                case '\b': Raw("\\b"u8); break;
                case '\f': Raw("\\f"u8); break;
                default: Unicode(c); break; // other control characters, DEL
            }

            text = text[1..];
        }
    }

    public void QuotedString(scoped ReadOnlySpan<char> text)
    {
        Byte((byte)'"');
        Escaped(text);
        Byte((byte)'"');
    }

    public void Number<T>(T value)
        where T : IUtf8SpanFormattable
    {
        Ensure(48);
        int written;
        while (!value.TryFormat(_span[_position..], out written, default, CultureInfo.InvariantCulture))
        {
            Ensure(_span.Length - _position + 64);
        }

        _position += written;
    }

    /// <summary>A GUID as 32 lowercase hex digits (the "N" format, the text <see cref="Guid.ToString(string)"/> gives).</summary>
    public void GuidDigits(Guid value)
    {
        Ensure(32);
        value.TryFormat(_span[_position..], out var written, "N");
        _position += written;
    }

    /// <summary>A finite double as a JSON number (shortest round-trip text); callers write non-finite values as strings.</summary>
    public void Double(double value)
    {
        Span<char> text = stackalloc char[32];
        if (!ShortDouble.TryFormat(value, text, out var written))
        {
            Number(value);
            return;
        }

        Ensure(written);
        for (var i = 0; i < written; i++)
        {
            _span[_position + i] = (byte)text[i]; // digits, '-' and '.' only
        }

        _position += written;
    }

    /// <summary>
    /// ISO 8601 round-trip format in UTC with trailing zeros of the fraction removed (as System.Text.Json writes it),
    /// without quotes. The date and time up to the second is formatted once per second and reused.
    /// </summary>
    public void Timestamp(long ticks)
    {
        Ensure(32);
        var second = ticks - (ticks % TimeSpan.TicksPerSecond);
        var cache = TimestampCache.Current;
        if (cache.Second != second || cache.Prefix is null)
        {
            cache.Prefix = new byte[40];
            Utf8Formatter.TryFormat(new DateTime(second, DateTimeKind.Utc), cache.Prefix, out _, new StandardFormat('O'));
            cache.Second = second;
        }

        var span = _span[_position..];
        cache.Prefix.AsSpan(0, 19).CopyTo(span);
        var fraction = (int)(ticks - second);
        var end = 19;
        if (fraction != 0)
        {
            span[19] = (byte)'.';
            for (var i = 26; i >= 20; i--)
            {
                span[i] = (byte)('0' + (fraction % 10));
                fraction /= 10;
            }

            end = 27;
            while (span[end - 1] == (byte)'0')
            {
                end--;
            }
        }

        span[end] = (byte)'Z';
        _position += end + 1;
    }

    /// <summary>A value formatted with a standard or custom format (dates, GUIDs, time spans), without quotes.</summary>
    public void Formatted<T>(T value, scoped ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        Span<char> buffer = stackalloc char[64];
        if (value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
        {
            Escaped(buffer[..written]);
        }
        else
        {
            Escaped(value.ToString(format.ToString(), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Copies the leading run of characters that need no escaping (printable ASCII but '"' and '\\') as bytes, and
    /// returns its length; <paramref name="destination"/> has room for all of <paramref name="text"/>. One pass that
    /// checks and narrows 16 characters at a time: a search for the first special character followed by a separate
    /// narrowing pass read every character twice, and the JSON writer spends most of its time here.
    /// </summary>
    private static int CopyPlain(scoped ReadOnlySpan<char> text, Span<byte> destination)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated && text.Length >= 16)
        {
            ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            ref var target = ref MemoryMarshal.GetReference(destination);
            var space = Vector128.Create((ushort)' ');
            var tilde = Vector128.Create((ushort)'~');
            var quote = Vector128.Create((ushort)'"');
            var backslash = Vector128.Create((ushort)'\\');
            for (; i <= text.Length - 16; i += 16)
            {
                var low = Vector128.LoadUnsafe(ref source, (nuint)i);
                var high = Vector128.LoadUnsafe(ref source, (nuint)(i + 8));
                var special =
                    Vector128.LessThan(low, space) | Vector128.GreaterThan(low, tilde) | Vector128.Equals(low, quote) | Vector128.Equals(low, backslash) |
                    Vector128.LessThan(high, space) | Vector128.GreaterThan(high, tilde) | Vector128.Equals(high, quote) | Vector128.Equals(high, backslash);
                if (special != Vector128<ushort>.Zero)
                {
                    break; // the scalar loop finds which
                }

                Vector128.Narrow(low, high).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c < ' ' || c > '~' || c == '"' || c == '\\')
            {
                break;
            }

            destination[i] = (byte)c;
        }

        return i;
    }

    private void Unicode(char c)
    {
        Ensure(6);
        var span = _span[_position..];
        "\\u"u8.CopyTo(span);
        span[2] = Hex[(c >> 12) & 0xF];
        span[3] = Hex[(c >> 8) & 0xF];
        span[4] = Hex[(c >> 4) & 0xF];
        span[5] = Hex[c & 0xF];
        _position += 6;
    }

    private void NonAscii(scoped ReadOnlySpan<char> text)
    {
        Ensure(text.Length * 3);
        var status = System.Text.Unicode.Utf8.FromUtf16(text, _span[_position..], out _, out var written, replaceInvalidSequences: true);
        _ = status; // replaceInvalidSequences turns lone surrogates into U+FFFD; the span is large enough by construction
        _position += written;
    }

    private void Ensure(int count)
    {
        if (_span.Length - _position >= count)
        {
            return;
        }

        _output.Advance(_position);
        _position = 0;
        _span = _output.GetSpan(Math.Max(count, MinChunk));
    }

    /// <summary>The last second formatted, per thread (formatters may run on several threads).</summary>
    private sealed class TimestampCache
    {
        [ThreadStatic]
        private static TimestampCache? _current;

        public long Second = -1;
        public byte[]? Prefix;

        public static TimestampCache Current => _current ??= new TimestampCache();
    }
}
