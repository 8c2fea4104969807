using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>
/// The signing chain: the emulator's independent SigV4 computation reproduces AWS's published test vector, AWSSDK.Core's
/// public signer agrees with it, and the emulator refuses a request signed with the wrong secret.
/// </summary>
public sealed class SigV4Tests
{
    private const string ExampleAccessKey = "AKIDEXAMPLE";
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Verifier_reproduces_the_published_get_vanilla_test_vector()
    {
        // AWS SigV4 test suite, get-vanilla: GET / on example.amazonaws.com at 20150830T123600Z, us-east-1, service "service".
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

        var signature = SigV4Verifier.ComputeSignature("GET", "/", "", headers, ["host", "x-amz-date"], EmptyHash, "20150830T123600Z", "us-east-1", "service", ExampleSecret);

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Fact]
    public void Verifier_reproduces_the_published_query_order_test_vector()
    {
        // get-vanilla-query-order-key-case: query parameters are sorted before signing.
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

        var signature = SigV4Verifier.ComputeSignature("GET", "/", SigV4Verifier.CanonicalQuery("?Param2=value2&Param1=value1"), headers, ["host", "x-amz-date"], EmptyHash, "20150830T123600Z", "us-east-1", "service", ExampleSecret);

        Assert.Equal("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", signature);
    }

    [Fact]
    public void Sdk_signer_agrees_with_the_independent_computation_for_a_json_post()
    {
        var body = """{"logGroupName":"/a"}"""u8.ToArray();
        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri("https://logs.us-east-1.amazonaws.com/"), Content = body };
        request.Headers["X-Amz-Target"] = "Logs_20140328.CreateLogGroup";
        request.Headers["Content-Type"] = "application/x-amz-json-1.1";
        var parameters = new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(ExampleAccessKey, ExampleSecret),
            Region = RegionEndpoint.USEast1,
            Service = "logs",
            SignedAt = new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
        };

        var result = AWSSigV4Signer.Sign(request, parameters);

        var auth = SigV4Verifier.ParseAuthorization(result.Headers["Authorization"])!;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = "logs.us-east-1.amazonaws.com" };
        foreach (var (name, value) in request.Headers.Concat(result.Headers))
        {
            headers[name.ToLowerInvariant()] = value;
        }

        var expected = SigV4Verifier.ComputeSignature("POST", "/", "", headers, auth.SignedHeaders, SigV4Verifier.Sha256Hex(body), "20150830T123600Z", "us-east-1", "logs", ExampleSecret);
        Assert.Equal(ExampleAccessKey, auth.AccessKey);
        Assert.Equal("20150830", auth.Date);
        Assert.Contains("x-amz-target", auth.SignedHeaders);
        Assert.Equal(expected, auth.Signature);
    }

    [Fact]
    public async Task Emulator_accepts_requests_signed_by_the_shared_client()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var client = new CloudWatchLogsClient(Emulated.Connection(emulator));

        await client.CreateLogGroupAsync("/signed", Ct);

        Assert.Equal(0, emulator.SignatureFailures);
        Assert.True(emulator.Store.Groups.ContainsKey("/signed"));
    }

    [Fact]
    public async Task Emulator_refuses_a_request_signed_with_the_wrong_secret_and_the_error_names_no_secret()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var client = new CloudWatchLogsClient(Emulated.Connection(emulator, secret: "not-the-secret-0123456789"));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.CreateLogGroupAsync("/unsigned", Ct));

        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.True(error.IsAuthError);
        Assert.False(error.IsRetryable);
        Assert.Equal(1, emulator.SignatureFailures);
        Assert.DoesNotContain("not-the-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(CloudWatchLogsEmulator.SecretKey, error.ToString(), StringComparison.Ordinal);
        Assert.False(emulator.Store.Groups.ContainsKey("/unsigned"));
    }
}
