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
