using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace HybridLogging.Aws;

/// <summary>
/// A small client for AWS JSON 1.1 services (CloudWatch Logs, Kinesis): POST to the endpoint root with
/// <c>X-Amz-Target: {prefix}.{operation}</c> and <c>Content-Type: application/x-amz-json-1.1</c>, signed with SigV4 by
/// AWSSDK.Core's public <see cref="SigV4SigningHandler"/>. Service clients wrap one instance and bring their own
/// source-generated <see cref="JsonTypeInfo{T}"/> for requests and responses. Thread-safe; several calls may be in flight.
/// </summary>
/// <remarks>
/// <para>Hand-written because the official service packages (AWSSDK.CloudWatchLogs, AWSSDK.Kinesis) are not in the package
/// source; AWSSDK.Core provides everything else (signing, credential chain, regions). Service clients sit behind an
/// internal interface so the official clients can replace this one.</para>
/// <para>Failures surface as <see cref="AwsServiceException"/> (service errors with their code and status, and transport
/// failures as <see cref="AwsServiceException.TransportErrorCode"/>); a cancelled <c>cancellationToken</c> surfaces as
/// <see cref="OperationCanceledException"/>. This client never retries: the pipeline's destination worker owns retries
/// and backoff, so each attempt re-enters the signing handler with a fresh timestamp.</para>
/// <para>No logging loop: the client logs nothing, its <see cref="HttpClient"/> is not created by
/// <c>IHttpClientFactory</c> (whose handlers log through <c>ILogger</c>), and calls run on the destination worker, which
/// has entered HybridLogging's suppression scope (an <c>AsyncLocal</c>, so it flows through these awaits). Do not start
/// threads or timers from sink code with <c>ExecutionContext</c> flow suppressed or captured elsewhere, or that scope is
/// lost and anything logged by the HTTP stack could loop back into the pipeline.</para>
/// </remarks>
internal sealed class AwsJsonClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");
    private static readonly ProductInfoHeaderValue UserAgent = new("HybridLogging", typeof(AwsJsonClient).Assembly.GetName().Version?.ToString(3) ?? "0");

    private readonly HttpClient _http;
    private readonly string _targetPrefix;

    public AwsJsonClient(AwsJsonService service, AwsConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        Region = AwsEnvironment.ResolveRegion(settings.Region, settings.RegionSettingName);
        Endpoint = AwsEnvironment.ResolveEndpoint(settings.ServiceUrl, Region, service.EndpointPrefix);
        _targetPrefix = service.TargetPrefix + ".";

        // Redirects must not be followed below the signer (a followed redirect is not re-signed).
        var transport = settings.HttpHandlerFactory?.Invoke() ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
        };
        var signer = new SigV4SigningHandler(AwsEnvironment.ResolveCredentials(settings.Credentials), Region, service.SigningName, transport);
        _http = new HttpClient(signer, disposeHandler: true) { Timeout = settings.RequestTimeout };
    }

    /// <summary>The region requests are signed for.</summary>
    public RegionEndpoint Region { get; }

    /// <summary>The endpoint requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Calls <paramref name="operation"/> with a request serialized by <paramref name="requestType"/> and reads the response.</summary>
    public Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        return SendAsync(operation, body, responseType, cancellationToken);
    }

    /// <summary>Calls <paramref name="operation"/> with a request serialized by <paramref name="requestType"/>, ignoring the response body.</summary>
    public Task SendAsync<TRequest>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        return SendRawAsync(operation, body, cancellationToken);
    }

    /// <summary>Calls <paramref name="operation"/> with a ready JSON body (for example written with a <see cref="Utf8JsonWriter"/>) and reads the response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(string operation, ReadOnlyMemory<byte> body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseType);
        var (status, bytes) = await SendCoreAsync(operation, body, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = JsonSerializer.Deserialize(bytes.Length == 0 ? "{}"u8 : bytes, responseType);
            return result ?? throw new JsonException("null response");
        }
        catch (JsonException ex)
        {
            throw new AwsServiceException("InvalidResponse", status, $"The {operation} response is not the expected JSON.", ex);
        }
    }

    /// <summary>Calls <paramref name="operation"/> with a ready JSON body, ignoring the response body.</summary>
    public async Task SendRawAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _ = await SendCoreAsync(operation, body, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();

    public override string ToString() => $"AWS JSON client for {_targetPrefix.TrimEnd('.')} at {Endpoint}";

    private async Task<(HttpStatusCode Status, byte[] Body)> SendCoreAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", _targetPrefix + operation);
        request.Headers.UserAgent.Add(UserAgent);
        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (response.StatusCode, bytes);
            }

            var header = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            throw AwsErrorParser.Parse(response.StatusCode, header, bytes);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new AwsServiceException(AwsServiceException.TransportErrorCode, 0, $"{operation} timed out after {_http.Timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AwsServiceException(AwsServiceException.TransportErrorCode, 0, $"{operation} got no response: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new AwsServiceException(AwsServiceException.TransportErrorCode, 0, $"{operation} got no complete response: {ex.Message}", ex);
        }
        catch (AmazonClientException ex)
        {
            // Signing failed for a reason other than missing credentials (those arrive as AwsServiceException).
            throw new AwsServiceException("SigningFailed", 0, "The request could not be signed: " + ex.Message, ex);
        }
    }
}
