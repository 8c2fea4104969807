using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Transport;

/// <summary>The few calls the sink makes, over Elastic's transport (node pool, failover, auth, TLS, gzip).</summary>
internal sealed class ElasticsearchConnection : IDisposable
{
    private static readonly RequestConfiguration NdjsonRequest = new()
    {
        ContentType = "application/x-ndjson",
        Accept = "application/json",

        // Outcomes are read from the status; a transport handed in with ThrowExceptions set must not throw here.
        ThrowExceptions = false,
    };

    private static readonly RequestConfiguration JsonRequest = new()
    {
        ContentType = "application/json",
        Accept = "application/json",
        ThrowExceptions = false,
    };

    private readonly ITransport _transport;
    private readonly IDisposable? _owned;

    public ElasticsearchConnection(ElasticsearchSinkOptions options)
    {
        (_transport, _owned) = TransportFactory.Create(options);
    }

    /// <summary>Posts a pre-serialized NDJSON body to <c>_bulk</c>.</summary>
    public Task<Response> BulkAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.POST, "/_bulk", PostData.ReadOnlyMemory(body), NdjsonRequest, cancellationToken);

    /// <summary>Puts a JSON body (bootstrap: lifecycle policy and index template).</summary>
    public Task<Response> PutJsonAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.PUT, path, PostData.ReadOnlyMemory(body), JsonRequest, cancellationToken);

    public void Dispose() => _owned?.Dispose();

    private async Task<Response> SendAsync(HttpMethod method, string path, PostData body, RequestConfiguration configuration, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = new EndpointPath(method, path);
            var response = await _transport.RequestAsync<BytesResponse>(in endpoint, body, null, configuration, cancellationToken).ConfigureAwait(false);
            var details = response.ApiCallDetails;
            return new Response(details?.HttpStatusCode, response.Body, details?.OriginalException is { } ex ? Describe(ex) : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A transport that throws (handed in, or on an unexpected failure) is a request that got no answer.
            return new Response((ex as TransportException)?.ApiCallDetails?.HttpStatusCode, null, Describe(ex));
        }
    }

    /// <summary>
    /// The innermost exception's type and message: says what went wrong (refused, timeout, certificate) without the
    /// transport's debug information, which may echo request details.
    /// </summary>
    private static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        return $"{inner.GetType().Name}: {inner.Message}";
    }

    /// <summary>An answer: the HTTP status (null when none came), the body, and what failed when nothing came.</summary>
    internal readonly record struct Response(int? Status, byte[]? Body, string? Failure);
}
