using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Internal.Redaction;

namespace HybridLogging.Tests.Redaction;

/// <summary>
/// Properties over texts assembled from secret and ordinary fragments: every secret disappears whatever surrounds
/// it, ordinary text is never changed, and redaction is stable (redacting the result changes nothing).
/// </summary>
public sealed class SecretPatternsPropertyTests
{
    // (fragment, the part of it that must never survive)
    private static readonly (string Text, string Secret)[] Secrets =
    [
        ("Bearer abcdef0123456789", "abcdef0123456789"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGciOiJIUzI1NiJ9"),
        ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("4111 1111 1111 1111", "1111 1111 1111"),
        ("5500000000000004", "5500000000000004"),
        ("password=hunter2", "hunter2"),
        ("\"apiKey\":\"k3y-value\"", "k3y-value"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("postgres://app:s3cret@db/x", "s3cret"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----", "MIIEvQIBADANBg"),
    ];

    private static readonly string[] Ordinary =
    [
        "Routed request 42 to bedrock", "in 12.5 ms", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "2024-05-01T12:34:56.789Z",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709", "https://api.example.com/v1/orders/12345?page=2&sort=desc",
        "latency=12ms", "Author: Jane Doe", "TokenCount=42", "Order 4111111111111112", "Basic plan", "Asia/Tokyo",
        "1717171717174", "user=bob", "(attempt 3 of 5)", "fe80::1ff:fe23:4567:890a", "a == b",
    ];

    private static readonly string[] Separators = [" ", "\n", ", ", " | "];

    private static readonly string[] Glue = ["", " ", ":", "=", ";", "\"", "-", "\n", "/"];

    public static class Generators
    {
        public static Arbitrary<int[]> Indices() => Gen.ArrayOf(Gen.Choose(0, 1000)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 5000)]
    public bool A_short_text_is_judged_by_its_length_and_marks_as_the_detectors_judge_it(int[] picks)
    {
        // ContainsSecret passes texts under 13 characters without ':', '=' or the word "basic" without running the
        // detectors; TryFindFirst always runs them. Texts of 1 to 20 characters are drawn from the shortest secrets of
        // each kind (a 13-digit card, a 14-character JWT, Basic credentials) and the characters the detectors look for,
        // so a wrong length bound or a missing mark shows up here.
        string[] pieces =
        [
            "4222222222222", "eyJhbGciOi.ab.", "Basic OjEy", "basic OjE=", "AKIAIOSFODNN7EXAMPLE", "bearer ", "pin=1", "a:b",
            "eyJ", "4111", "0000", ".", "-", "_", "/", "+", "a1", "Zz", "Q", "9", " ", "\t",
        ];
        var pick = 0;
        int Next(int bound) => picks.Length == 0 ? 0 : picks[pick++ % picks.Length] % bound;
        var length = 1 + Next(20);
        var text = new System.Text.StringBuilder();
        for (var i = 0; text.Length < length + 20; i++)
        {
            text.Append(pieces[Next(pieces.Length)]);
        }

        var start = Next(3) == 0 ? Next(text.Length - length + 1) : 0; // sometimes a piece's tail first
        var value = text.ToString(start, length);
        var patterns = SecretPatterns.Default;
        return patterns.ContainsSecret(value) == patterns.TryFindFirst(value, out _);
    }

    [Fact]
    public void Every_secret_kind_shorter_than_13_characters_is_one_the_short_text_rule_lets_through()
    {
        foreach (var (text, _) in Secrets)
        {
            Assert.True(SecretPatterns.Default.ContainsSecret(text), text);
        }

        // The shortest of each kind that can fit under 13 characters: a Basic credential and named values.
        foreach (var text in new[] { "Basic OjEy", "basic OjE=", "pin=1234", "pwd:hunter2", "x://a:b@c" })
        {
            Assert.True(SecretPatterns.Default.TryFindFirst(text, out _), $"the detectors find no secret in '{text}'");
            Assert.True(SecretPatterns.Default.ContainsSecret(text), text);
        }
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public bool Every_secret_disappears_whatever_ordinary_text_surrounds_it(int[] picks)
    {
        var parts = new List<string>();
        var secrets = new List<string>();
        for (var i = 0; i < picks.Length; i++)
        {
            var pick = picks[i];
            if (pick % 3 == 0)
            {
                var (text, secret) = Secrets[pick / 3 % Secrets.Length];
                parts.Add(text);
                secrets.Add(secret);
            }
            else
            {
                parts.Add(Ordinary[pick % Ordinary.Length]);
            }

            parts.Add(Separators[pick % Separators.Length]);
        }

        var redacted = SecretPatterns.Default.Redact(string.Concat(parts));
        return secrets.All(s => !redacted.Contains(s, StringComparison.Ordinal));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public bool Ordinary_text_is_never_changed(int[] picks)
    {
        var text = string.Concat(picks.Select(p => Ordinary[p % Ordinary.Length] + Separators[p % Separators.Length]));
        return ReferenceEquals(text, SecretPatterns.Default.Redact(text));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 500)]
    public bool Redacting_is_stable_for_any_mix_glued_in_any_way(int[] picks)
    {
        var text = string.Concat(picks.Select(p =>
            (p % 2 == 0 ? Secrets[p / 2 % Secrets.Length].Text : Ordinary[p % Ordinary.Length]) + Glue[p % Glue.Length]));
        var once = SecretPatterns.Default.Redact(text);
        return once == SecretPatterns.Default.Redact(once);
    }
}
