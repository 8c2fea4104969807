using System.Net;
using System.Text;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal.Client;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>The shared AWS plumbing (src/Shared/Aws): error parsing and classification, endpoints, transport failures.</summary>
public sealed class SharedAwsTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"}""", 400, "ThrottlingException", true, true, false)]
    [InlineData("""{"__type":"ServiceUnavailableException","message":"x"}""", 503, "ServiceUnavailableException", true, false, false)]
    [InlineData("""{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"The specified log stream does not exist."}""", 400, "ResourceNotFoundException", false, false, false)]
    [InlineData("""{"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"bad token"}""", 400, "UnrecognizedClientException", false, false, true)]
    [InlineData("""{"__type":"com.amazon.coral.service#AccessDeniedException"}""", 400, "AccessDeniedException", false, false, true)]
    [InlineData("<html>gateway</html>", 502, "InternalFailure", true, false, false)]
    [InlineData("", 429, "ThrottlingException", true, true, false)]
    public void Errors_are_parsed_and_classified(string body, int status, string code, bool retryable, bool throttling, bool auth)
    {
        var error = AwsErrorParser.Parse((HttpStatusCode)status, null, Encoding.UTF8.GetBytes(body));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal(throttling, error.IsThrottling);
        Assert.Equal(auth, error.IsAuthError);
    }

    [Fact]
    public void The_error_type_header_is_used_when_the_body_has_no_type()
    {
        var error = AwsErrorParser.Parse(HttpStatusCode.BadRequest, "InvalidParameterException:http://internal.amazon.com/coral/com.amazonaws.logs/", """{"message":"bad"}"""u8);

        Assert.Equal("InvalidParameterException", error.ErrorCode);
        Assert.Equal("bad", error.ServiceMessage);
        Assert.Contains("InvalidParameterException (HTTP 400): bad", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void China_regions_use_their_partition_suffix()
    {
        var endpoint = AwsEnvironment.ResolveEndpoint(null, Amazon.RegionEndpoint.GetBySystemName("cn-north-1"), "logs");

        Assert.Equal(new Uri("https://logs.cn-north-1.amazonaws.com.cn/"), endpoint);
    }

    [Fact]
    public async Task A_refused_connection_is_a_retryable_transport_error()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new CloudWatchLogsClient(new AwsConnectionSettings
        {
            Region = "us-east-1",
            ServiceUrl = $"http://127.0.0.1:{port}/",
            Credentials = Kit.Emulated.Credentials,
        });

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.CreateLogGroupAsync("/x", Ct));

        Assert.Equal(AwsServiceException.TransportErrorCode, error.ErrorCode);
        Assert.Equal((HttpStatusCode)0, error.StatusCode);
        Assert.True(error.IsRetryable);
        Assert.DoesNotContain(Emulator.CloudWatchLogsEmulator.SecretKey, error.ToString(), StringComparison.Ordinal);
    }
}
