using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.CloudWatch.Tests.Emulator;

/// <summary>
/// A CloudWatch Logs emulator on 127.0.0.1 and a free port: JSON 1.1 over HTTP with <c>X-Amz-Target</c>, every request's
/// SigV4 signature recomputed with the known secret (<see cref="SigV4Verifier"/>), PutLogEvents rules enforced as the API
/// reference states them (<see cref="EmulatorOperations"/>), and faults on demand: throttling, 5xx, a dropped response
/// after storing, a lost stream, refused credentials.
/// </summary>
internal sealed class CloudWatchLogsEmulator : IAsyncDisposable
{
    public const string AccessKey = "AKIDEMULATOR0000";
    public const string SecretKey = "emulatorSecret/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";
    public const string TargetPrefix = "Logs_20140328.";

    private readonly WebApplication _app;
    private readonly EmulatorOperations _operations;
    private int _throttleNext;
    private int _failNext;
    private int _dropNext;
    private int _denyNext;

    private CloudWatchLogsEmulator(WebApplication app, EmulatorOperations operations)
    {
        _app = app;
        _operations = operations;
    }

    public EmulatorStore Store => _operations.Store;

    public EmulatorOperations Operations => _operations;

    public Uri Url { get; private set; } = null!;

    /// <summary>Requests whose signature did not verify (each also answered with an error).</summary>
    public int SignatureFailures => _signatureFailures;

    /// <summary>PutLogEvents calls received (including refused ones).</summary>
    public int PutCalls => _operations.PutCalls;

    /// <summary>Largest single PutLogEvents call accepted, counted as the service counts it.</summary>
    public long LargestAcceptedCallBytes => _operations.LargestAcceptedCallBytes;

    private int _signatureFailures;

    public static async Task<CloudWatchLogsEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        var emulator = new CloudWatchLogsEmulator(app, new EmulatorOperations(TimeProvider.System));
        app.MapPost("/", emulator.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return emulator;
    }

    /// <summary>The next <paramref name="count"/> PutLogEvents calls are answered 400 ThrottlingException before storing.</summary>
    public void ThrottleNext(int count) => Volatile.Write(ref _throttleNext, count);

    /// <summary>The next <paramref name="count"/> PutLogEvents calls are answered 500/503 before storing (alternating).</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    /// <summary>The next <paramref name="count"/> PutLogEvents calls are stored, then the connection is dropped without an answer.</summary>
    public void DropResponseNext(int count) => Volatile.Write(ref _dropNext, count);

    /// <summary>The next <paramref name="count"/> requests of any kind are answered 400 AccessDeniedException.</summary>
    public void DenyNext(int count) => Volatile.Write(ref _denyNext, count);

    /// <summary>Deletes a stream with its events (as if removed by someone else).</summary>
    public bool LoseStream(string group, string stream) =>
        Store.Groups.TryGetValue(group, out var g) && g.Streams.TryRemove(stream, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (Verify(context.Request, body) is { } authError)
        {
            Interlocked.Increment(ref _signatureFailures);
            await WriteErrorAsync(context, authError.Status, authError.Code, authError.Message);
            return;
        }

        if (Take(ref _denyNext))
        {
            await WriteErrorAsync(context, 400, "AccessDeniedException", "User is not authorized to perform: logs:PutLogEvents");
            return;
        }

        if (context.Request.ContentType != "application/x-amz-json-1.1")
        {
            await WriteErrorAsync(context, 400, "SerializationException", $"Unexpected content type '{context.Request.ContentType}'.");
            return;
        }

        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 400, "UnknownOperationException", $"Unknown target '{target}'.");
            return;
        }

        var operation = target[TargetPrefix.Length..];
        if (operation == "PutLogEvents")
        {
            if (Take(ref _throttleNext))
            {
                _operations.CountPut();
                await WriteErrorAsync(context, 400, "ThrottlingException", "Rate exceeded");
                return;
            }

            if (Take(ref _failNext))
            {
                _operations.CountPut();
                var unavailable = Volatile.Read(ref _failNext) % 2 == 0;
                await WriteErrorAsync(context, unavailable ? 503 : 500, unavailable ? "ServiceUnavailableException" : "InternalFailure", "The server encountered an internal error.");
                return;
            }
        }

        EmulatorResult result;
        try
        {
            using var request = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            result = _operations.Execute(operation, request.RootElement);
        }
        catch (JsonException ex)
        {
            result = EmulatorResult.Error(400, "SerializationException", ex.Message);
        }

        if (operation == "PutLogEvents" && result.Status == 200 && Take(ref _dropNext))
        {
            // Stored, but the client never hears about it.
            context.Abort();
            return;
        }

        if (result.Status != 200)
        {
            await WriteErrorAsync(context, result.Status, result.Code!, result.Message!);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.Body.WriteAsync(result.Body, context.RequestAborted);
    }

    private static (int Status, string Code, string Message)? Verify(HttpRequest request, byte[] body)
    {
        var auth = SigV4Verifier.ParseAuthorization(request.Headers.Authorization.ToString());
        if (auth is null)
        {
            return (403, "MissingAuthenticationTokenException", "Missing or malformed Authorization header.");
        }

        if (auth.AccessKey != AccessKey)
        {
            return (400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length != 16 || auth.Date != amzDate[..8] || auth.Region != Region || auth.Service != "logs")
        {
            return (403, "InvalidSignatureException", $"Credential scope {auth.Date}/{auth.Region}/{auth.Service} does not match {amzDate}/{Region}/logs.");
        }

        if ((DateTimeOffset.UtcNow - SigV4Verifier.ParseAmzDate(amzDate)).Duration() > TimeSpan.FromMinutes(5))
        {
            return (403, "InvalidSignatureException", "Signature expired.");
        }

        foreach (var required in new[] { "host", "x-amz-date", "x-amz-target", "content-type" })
        {
            if (!auth.SignedHeaders.Contains(required))
            {
                return (403, "InvalidSignatureException", $"Header '{required}' is not signed.");
            }
        }

        var payloadHash = SigV4Verifier.Sha256Hex(body);
        var claimed = request.Headers["X-Amz-Content-Sha256"].ToString();
        if (claimed.Length > 0 && claimed != payloadHash)
        {
            return (400, "InvalidSignatureException", "The provided x-amz-content-sha256 header does not match what was computed.");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = string.Join(',', values.ToArray());
        }

        if (auth.SignedHeaders.Any(h => !headers.ContainsKey(h)))
        {
            return (403, "InvalidSignatureException", "A signed header is missing from the request.");
        }

        var expected = SigV4Verifier.ComputeSignature(
            request.Method, request.Path.HasValue ? request.Path.Value! : "/", SigV4Verifier.CanonicalQuery(request.QueryString.Value ?? string.Empty),
            headers, auth.SignedHeaders, payloadHash, amzDate, auth.Region, auth.Service, SecretKey);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(auth.Signature))
            ? null
            : (403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = code + ":http://internal.amazon.com/coral/com.amazonaws.logs/";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__type"] = "com.amazonaws.logs#" + code,
            ["message"] = message,
        }), context.RequestAborted);
    }
}

/// <summary>An operation's answer: 200 with a JSON body, or an error code with a message.</summary>
internal sealed record EmulatorResult(int Status, byte[] Body, string? Code, string? Message)
{
    public static EmulatorResult Ok(object body) => new(200, JsonSerializer.SerializeToUtf8Bytes(body), null, null);

    public static EmulatorResult Error(int status, string code, string message) => new(status, [], code, message);
}
