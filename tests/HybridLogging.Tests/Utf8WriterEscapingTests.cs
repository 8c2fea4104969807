using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using HybridLogging.Formatting.Internal;

namespace HybridLogging.Tests;

public sealed class Utf8WriterEscapingTests
{
    private const string Alphabet = "abcXYZ019 ~!#{}\"\\\n\r\t\b\f\u0000\u001f\u007f\u0080é€\u2028\u2029😀\ud800\udc00";

    [Property(MaxTest = 1000)]
    public void Escaped_text_is_the_reference_escaping_at_every_position_and_length(int seed, byte length)
    {
        var random = new Random(seed);
        var text = new string([.. Enumerable.Range(0, length % 120).Select(_ => Pick(random))]);
        Assert.Equal(Reference(text), Escape(text));
    }

    [Fact]
    public void A_special_character_at_each_position_of_a_long_plain_run_is_escaped_there()
    {
        foreach (var special in "\"\\\n\u0001\u007f\u00e9")
        {
            for (var at = 0; at < 40; at++)
            {
                var text = new string('a', at) + special + new string('b', 40 - at);
                Assert.Equal(Reference(text), Escape(text));
            }
        }
    }

    private static char Pick(Random random) =>
        random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)random.Next(0x20, 0x7f);

    private static string Escape(string text)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new Utf8Writer(output, 16);
        writer.Escaped(text);
        writer.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    // Character by character: printable ASCII but '"' and '\' as is, the JSON short escapes, \uXXXX for other control
    // characters, DEL, U+2028 and U+2029, everything else as UTF-8 (a lone surrogate as U+FFFD).
    private static string Reference(string text)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ' or '\u007f' or '\u2028' or '\u2029': builder.Append($"\\u{(int)c:x4}"); break;
                case >= ' ' and <= '~': builder.Append(c); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        builder.Append(char.IsSurrogate(c) ? '\ufffd' : c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
