using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>What the proxy does with one request instead of (or besides) forwarding it.</summary>
public enum ProxyFault
{
    None,

    /// <summary>Answer 500 InternalError without forwarding.</summary>
    ServerError,

    /// <summary>Answer 503 SlowDown without forwarding.</summary>
    SlowDown,

    /// <summary>Reset the connection without forwarding (nothing stored).</summary>
    ResetBeforeForward,

    /// <summary>Forward (the server stores the object), then reset the connection: the response is lost.</summary>
    ResetAfterForward,

    /// <summary>Answer 409 ConditionalRequestConflict without forwarding.</summary>
    Conflict,

    /// <summary>Answer 403 AccessDenied without forwarding.</summary>
    AccessDenied,

    /// <summary>Never answer: wait until the client gives up (a stalled network).</summary>
    Hang,
}

/// <summary>A request as the proxy received it.</summary>
public sealed record ProxiedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public bool IsObjectWrite => Method == "PUT" && !Query.Contains("partNumber", StringComparison.Ordinal) && Path.Count(c => c == '/') >= 2;

    public bool IsPartUpload => Method == "PUT" && Query.Contains("partNumber", StringComparison.Ordinal);

    public bool IsComplete => Method == "POST" && Query.Contains("uploadId", StringComparison.Ordinal);

    public bool IsAbort => Method == "DELETE" && Query.Contains("uploadId", StringComparison.Ordinal);

    public bool IsInitiate => Method == "POST" && Query.Contains("uploads", StringComparison.Ordinal) && !Query.Contains("uploadId", StringComparison.Ordinal);
}

/// <summary>
/// A loopback HTTP proxy in front of s3rver that does what s3rver does not: answers 412 to a conditional write
/// (<c>If-None-Match: *</c>) on an existing key, and injects faults (5xx, 409, resets before or after the server
/// stored the object). It records every request, so tests can check signing and count calls.
/// </summary>
public sealed class S3Proxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Transfer-Encoding", "Expect", "Keep-Alive", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private S3Proxy(WebApplication app, HttpClient upstream, Uri baseUri)
    {
        _app = app;
        _upstream = upstream;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Answer 412 to <c>If-None-Match: *</c> writes on existing keys, as S3 does. Default true.</summary>
    public bool EnforceIfNoneMatch { get; set; } = true;

    /// <summary>Decides a fault per request (called once per request, in arrival order). Default none.</summary>
    public Func<ProxiedRequest, ProxyFault>? Faults { get; set; }

    /// <summary>
    /// Awaited for every request once its body is read and before its fault is decided or it is forwarded: a test holds a
    /// chosen request (a part upload) until it releases it, or slows every upload down. Default none.
    /// </summary>
    public Func<ProxiedRequest, CancellationToken, Task>? Hold { get; set; }

    public ConcurrentQueue<ProxiedRequest> Requests { get; } = new();

    public static async Task<S3Proxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = upstream,
        };
        S3Proxy? proxy = null;
        app.Run(context => proxy!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new S3Proxy(app, client, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var proxied = new ProxiedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, headers, body.ToArray());
        Requests.Enqueue(proxied);
        if (Hold is { } hold)
        {
            await hold(proxied, context.RequestAborted);
        }

        var fault = Faults?.Invoke(proxied) ?? ProxyFault.None;
        switch (fault)
        {
            case ProxyFault.ServerError:
                await ErrorAsync(context, 500, "InternalError", "We encountered an internal error. Please try again.");
                return;
            case ProxyFault.SlowDown:
                await ErrorAsync(context, 503, "SlowDown", "Please reduce your request rate.");
                return;
            case ProxyFault.Conflict:
                await ErrorAsync(context, 409, "ConditionalRequestConflict", "A conflicting operation occurred.");
                return;
            case ProxyFault.AccessDenied:
                await ErrorAsync(context, 403, "AccessDenied", "Access Denied");
                return;
            case ProxyFault.ResetBeforeForward:
                context.Abort();
                return;
            case ProxyFault.Hang:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up.
                }

                return;
        }

        if (EnforceIfNoneMatch && headers.GetValueOrDefault("If-None-Match") == "*" && (proxied.IsObjectWrite || proxied.IsComplete))
        {
            using var head = await _upstream.SendAsync(new HttpRequestMessage(HttpMethod.Head, proxied.Path.TrimStart('/')), context.RequestAborted);
            if (head.StatusCode == HttpStatusCode.OK)
            {
                await ErrorAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                return;
            }
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), proxied.Path.TrimStart('/') + proxied.Query);
        if (proxied.Body.Length > 0 || request.Method is "PUT" or "POST")
        {
            forward.Content = new ByteArrayContent(proxied.Body);
        }

        foreach (var (name, value) in headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, value))
            {
                forward.Content ??= new ByteArrayContent([]);
                forward.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        var responseBody = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (fault == ProxyFault.ResetAfterForward)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (request.Method == "HEAD")
        {
            context.Response.ContentLength = response.Content.Headers.ContentLength;
            return;
        }

        context.Response.ContentLength = responseBody.Length;
        await context.Response.Body.WriteAsync(responseBody, context.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>proxy</RequestId></Error>");
    }
}
