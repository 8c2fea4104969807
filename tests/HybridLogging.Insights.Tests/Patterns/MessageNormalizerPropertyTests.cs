using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Insights.Patterns;
using HybridLogging.Insights.Tests.Patterns.Reference;

namespace HybridLogging.Insights.Tests.Patterns;

/// <summary>
/// The normaliser jumps from trigger character to trigger character; these properties check that it gives exactly the
/// pattern of the character-by-character scan (<see cref="ReferenceNormalizer"/>) on token soups built to sit on the
/// jump's edges: shapes glued to words and punctuation, e-mail and URL prefixes, month and day names before digits.
/// </summary>
public sealed class MessageNormalizerPropertyTests
{
    private static readonly string[] Fragments =
    [
        // words and the characters that may start or continue a shape
        "User", "logged", "in", "from", "abc", "deadbeef", "fe", "C", "x", "_", "é", "µs", "ms", "s", "h", "min", "seconds",
        "Z", "UTC", "GMT", "T", "HTTP", "GET", "e", "0x", "id_", "order", "user", "i", "ssh",
        ".", "..", "~", "+", "%", "-", "--", "/", "//", "\\", "\\\\", "@", ":", "::", "://", ",", ", ", ";", "=", "'", "\"", "(",
        ")", "[", "]", "{", "}", "#", "*", "?", "!", "&", "|",
        // month and day names, and the spacing of syslog and RFC 1123 timestamps
        "Jan", "Dec", "Tue", "Mon", "jan", "Dec ", "Dec  ", "Tue, ", "Nov ",
        // digits and whole shapes
        "0", "1", "5", "12", "123", "4411", "2026", "01", "15", "99999", "1.5", "-4.5", "+3", "127.0.0.1", "10.0.0.7:8080",
        "203.0.113.0/24", "fe80::1", "2001:db8::8a2e:370:7334", "[::]", "5f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8",
        "abcdefab-abcd-abcd-abcd-abcdefabcdef", "7f3a9c2e1b4d5f60", "0x00007FFB3C2A1F40", "user1234", "i-0abc1234def567890",
        "5QJ8K2L1M3N4P5R6", "jane.doe@example.com", "a_b%c+d@x.io", "https://api.contoso.com/v2/users/8812",
        "svn+ssh://host/repo", "/var/log/app.log", "./bin", "../x", "~/releases", "\\\\server\\share", "C:\\inetpub\\x",
        "2026-12-01", "2026/12/01", "2026-12-01T02:07:42.123Z", "2026-12-01 03:07:42", "15/01/2026", "15.01.2026",
        "10/Oct/2000:13:55:36 -0700", "02:07:42", "9:05", "00:00:30", "250ms", "30 s", "2.75 seconds", "1h", "12a", "3rd",
        "Jan 15 10:30:00", "Dec  1 02:07:42", "Tue, 15 Nov 1994 08:12:31 GMT",
    ];

    private static readonly string[] Glue = ["", "", " ", " ", "  ", ".", ":", "-", "/", "@", ",", "_", "'"];

    public static class Generators
    {
        public static Arbitrary<int[]> Picks() => Gen.ArrayOf(Gen.Choose(0, 10_000)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 2000)]
    public bool Jumping_between_triggers_gives_the_pattern_of_the_character_by_character_scan(int[] picks)
    {
        var text = Soup(picks);
        var expected = new ReferenceNormalizer(1000).Normalize(text).ToString();
        var actual = new MessageNormalizer(1000).Normalize(text).ToString();
        return expected == actual;
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public bool A_reused_normaliser_gives_the_same_patterns_as_a_fresh_one(int[] picks)
    {
        // The buffer and the per-message flags are reused; the longer message first makes the buffer grow.
        var reused = new MessageNormalizer(1000);
        var first = Soup(picks);
        var second = Soup([.. picks.Reverse().Take(picks.Length / 2)]);
        var a = reused.Normalize(first).ToString();
        var b = reused.Normalize(second).ToString();
        return a == new ReferenceNormalizer(1000).Normalize(first).ToString()
            && b == new ReferenceNormalizer(1000).Normalize(second).ToString();
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 1000)]
    public bool A_path_ends_where_a_character_by_character_scan_ends_it(int[] picks)
    {
        // The matchers find a path's end with one vectorised search; the scan it replaced tested each character.
        var text = Soup(picks) + " \u2003tail";
        for (var start = 0; start < text.Length; start += 7)
        {
            var p = start;
            while (p < text.Length && !char.IsWhiteSpace(text[p]) && text[p] is not ('"' or '\'' or '<' or '>' or '(' or ')' or '[' or ']' or '{' or '}' or '|' or '`' or ','))
            {
                p++;
            }

            while (p > start && text[p - 1] is '.' or ',' or ':' or ';' or '!' or '?')
            {
                p--;
            }

            if (MessageNormalizer.PathEnd(text, start) != p)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void Text_longer_than_the_buffer_made_of_the_shortest_shapes_grows_the_buffer()
    {
        // "1 " becomes "{Number} ": the pattern is four times the text.
        var text = string.Concat(Enumerable.Repeat("1 ", 700));
        var actual = new MessageNormalizer(2000).Normalize(text).ToString();
        Assert.Equal(string.Concat(Enumerable.Repeat("{Number} ", 700)), actual);
    }

    private static string Soup(int[] picks)
    {
        var parts = new System.Text.StringBuilder();
        foreach (var pick in picks)
        {
            parts.Append(Fragments[pick % Fragments.Length]).Append(Glue[pick / Fragments.Length % Glue.Length]);
        }

        return parts.ToString();
    }
}
