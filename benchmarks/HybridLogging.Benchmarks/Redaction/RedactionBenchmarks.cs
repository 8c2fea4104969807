using BenchmarkDotNet.Attributes;
using HybridLogging.Internal.Redaction;

namespace HybridLogging.Benchmarks.Redaction;

/// <summary>
/// Cost of the redaction checks the dispatcher runs per entry: the secret-value scan of a rendered message without a
/// secret (the common path, which must allocate nothing) against one vectorised <c>IndexOfAny</c> as the floor, the scan
/// and rewrite of a message holding two secrets, and the secret-name verdict of a property name already seen.
/// </summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private const string ShortMessage = "Routed request 12345 to bedrock in 12.5 ms (cached False)";

    private const string LongMessage =
        "GET https://api.example.com/v1/orders/12345?page=2&sort=desc 200 in 12.5 ms; request 3fa85f64-5717-4562-b3fc-" +
        "2c963f66afa6 completed at 2024-05-01T12:34:56.789Z for user bob after 3 retries, digest da39a3ee5e6b4b0d3255bfef";

    private const string SecretMessage =
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf" +
        "36POk6yJV_adQssw5c and card 4111111111111111";

    // The sample's eight messages as the dispatcher renders them (benchmarks/.../Common/SampleLog.cs).
    private static readonly string[] SampleMessages =
    [
        "Routing chat request to bedrock (fallback openai-fallback): primary-healthy",
        "Routing chat request to fallback openai-fallback instead of bedrock: circuit-open",
        "Primary bedrock failed with ThrottlingException after 97.5 ms; falling back to openai-fallback (primary-error)",
        "Answered by bedrock: latency 134.5 ms, request duration 140.2 ms",
        "Request failed on every provider; last openai-fallback failed with ModelTimeoutException (all-failed) after 431.6 ms",
        "Circuit for bedrock opened for 30000 ms after ThrottlingException (failure-ratio)",
        "Circuit for bedrock half-open: probing with this request",
        "Circuit for bedrock closed: provider healthy again",
    ];

    private readonly SecretPatterns _patterns = SecretPatterns.Default;
    private readonly SecretNames _names = SecretNames.Default;

    [GlobalSetup]
    public void Setup()
    {
        _names.IsSecret("RequestPath");
        _names.IsSecret("client_secret");
    }

    [Benchmark(Baseline = true)]
    public bool IndexOfAnyFloor() => LongMessage.AsSpan().IndexOfAny(':', '=') >= 0;

    [Benchmark]
    public bool ContainsSecret_short_message() => _patterns.ContainsSecret(ShortMessage);

    /// <summary>All eight of the sample's messages, one scan each (divide by 8 for one message).</summary>
    [Benchmark]
    public int ContainsSecret_sample_messages()
    {
        var found = 0;
        foreach (var message in SampleMessages)
        {
            found += _patterns.ContainsSecret(message) ? 1 : 0;
        }

        return found;
    }

    [Benchmark]
    public bool ContainsSecret_long_message() => _patterns.ContainsSecret(LongMessage);

    [Benchmark]
    public string Redact_message_with_two_secrets() => _patterns.Redact(SecretMessage);

    [Benchmark]
    public bool IsSecret_seen_name() => _names.IsSecret("RequestPath") | _names.IsSecret("client_secret");
}
