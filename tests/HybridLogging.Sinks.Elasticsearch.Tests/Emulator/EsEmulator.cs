using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Emulator;

/// <summary>
/// A small Elasticsearch on 127.0.0.1 (ASP.NET Core minimal API, free port): <c>HEAD /</c>, <c>_bulk</c> (parsed as
/// documented, gzip bodies, data stream rules, per-item answers), lifecycle policies and index templates. Stores
/// documents by index and id, records every request, and can be told to misbehave (see <see cref="Faults"/>).
/// </summary>
internal sealed class EsEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> _indices = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _maxInFlight;
    private readonly ConcurrentDictionary<string, string> _dataStreamPatterns = new(StringComparer.Ordinal) { ["builtin"] = "logs-*-*" };

    private EsEmulator(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Faults to inject; change at any time.</summary>
    public EsFaults Faults { get; } = new();

    /// <summary>Every request received, in order of arrival.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Lifecycle policies and index templates put, by path.</summary>
    public ConcurrentDictionary<string, JsonDocument> Puts { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, requests without exactly this <c>Authorization</c> header get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    public IReadOnlyDictionary<string, byte[]> Index(string name) =>
        _indices.TryGetValue(name, out var documents) ? documents : new Dictionary<string, byte[]>();

    public int DocumentCount => _indices.Values.Sum(index => index.Count);

    /// <summary>Most <c>_bulk</c> requests that were being handled at the same time.</summary>
    public int MaxConcurrentBulkRequests => Volatile.Read(ref _maxInFlight);

    public IEnumerable<string> IndexNames => _indices.Keys;

    public static async Task<EsEmulator> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var address = new Uri("http://127.0.0.1"); // replaced below once the port is known
        EsEmulator? emulator = null;
        app.Use(async (context, next) =>
        {
            if (emulator!.Authorize(context))
            {
                await next(context);
            }
        });
        app.MapMethods("/", ["HEAD", "GET"], (HttpContext context) => emulator!.RootAsync(context));
        app.MapPost("/_bulk", (HttpContext context) => emulator!.BulkAsync(context, null));
        app.MapPost("/{index}/_bulk", (HttpContext context, string index) => emulator!.BulkAsync(context, index));
        app.MapPut("/_ilm/policy/{name}", (HttpContext context) => emulator!.PutAsync(context, dataStreamTemplate: false));
        app.MapPut("/_index_template/{name}", (HttpContext context) => emulator!.PutAsync(context, dataStreamTemplate: true));
        await app.StartAsync();
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        emulator = new EsEmulator(app, address);
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private bool Authorize(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (RequiredAuthorization is { } required && authorization != required)
        {
            Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, authorization, null, null, 0, [], 401));
            context.Response.StatusCode = 401;
            return false;
        }

        return true;
    }

    private Task RootAsync(HttpContext context)
    {
        Requests.Enqueue(new RecordedRequest(context.Request.Method, "/", context.Request.Headers.Authorization.ToString(), null, null, 0, [], 200));
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        context.Response.ContentType = "application/json";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.WriteAsync("""{"name":"emulator","version":{"number":"8.15.0"},"tagline":"You Know, for Search"}""");
    }

    private async Task BulkAsync(HttpContext context, string? pathIndex)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int max;
            while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
            {
            }

            if (Faults.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(Faults.ResponseDelay);
            }

            await HandleBulkAsync(context, pathIndex);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleBulkAsync(HttpContext context, string? pathIndex)
    {
        var body = await ReadBodyAsync(context.Request);
        var faults = Faults;
        var (actions, error) = BulkParser.Parse(body, pathIndex);
        var status = error is not null ? 400
            : faults.TakeDrop() ? 0
            : faults.TakeRequestFailure() is { } failure ? failure
            : faults.MaxContentLength is { } max && body.Length > max ? 413
            : 200;
        Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType, context.Request.Headers.ContentEncoding.ToString(), body.Length,
            actions?.Select(a => a.Id ?? string.Empty).ToArray() ?? [], status));
        switch (status)
        {
            case 0:
                context.Abort();
                return;
            case 400:
                await WriteErrorAsync(context, 400, "illegal_argument_exception", error!);
                return;
            case 413:
                context.Response.StatusCode = 413;
                return;
            case not 200:
                await WriteErrorAsync(context, status, status == 429 ? "es_rejected_execution_exception" : "cluster_block_exception", "injected failure");
                return;
        }

        var results = actions!.Select(Process).ToList();
        if (faults.TakeLostResponse())
        {
            // Stored, but the client never hears about it.
            context.Abort();
            return;
        }

        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("took", 1);
        writer.WriteBoolean("errors", results.Exists(r => r.Status >= 300));
        writer.WriteStartArray("items");
        foreach (var result in results)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(result.Operation);
            writer.WriteString("_index", result.Index);
            writer.WriteString("_id", result.Id);
            writer.WriteNumber("status", result.Status);
            if (result.ErrorType is { } type)
            {
                writer.WriteStartObject("error");
                writer.WriteString("type", type);
                writer.WriteString("reason", result.Reason);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("result", result.Status == 201 ? "created" : "updated");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private ItemResult Process(BulkAction action)
    {
        var index = action.Index;
        var id = action.Id ?? Guid.NewGuid().ToString("N");
        if (index is null)
        {
            return new(action.Operation, "", id, 400, "action_request_validation_exception", "index is missing");
        }

        if (action.Operation is "update" or "delete")
        {
            return new(action.Operation, index, id, 400, "illegal_argument_exception", "the emulator supports index and create only");
        }

        var isDataStream = _dataStreamPatterns.Values.Any(pattern => Glob(pattern, index));
        if (isDataStream && action.Operation != "create")
        {
            return new(action.Operation, index, id, 400, "illegal_argument_exception", $"only write ops with an op_type of create are allowed in data streams");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(action.Source);
        }
        catch (JsonException ex)
        {
            return new(action.Operation, index, id, 400, "document_parsing_exception", $"failed to parse: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(action.Operation, index, id, 400, "document_parsing_exception", "source is not an object");
            }

            if (isDataStream && !document.RootElement.TryGetProperty("@timestamp", out _))
            {
                return new(action.Operation, index, id, 400, "document_parsing_exception", "data stream timestamp field [@timestamp] is missing");
            }

            if (Faults.RejectField is { } field && HasField(document.RootElement, field))
            {
                return new(action.Operation, index, id, 400, "document_parsing_exception",
                    $"[1:1] failed to parse field [{field}] of type [long] in document with id '{id}'. Preview of field's value: 'x'");
            }
        }

        if (Faults.TakeThrottle(id))
        {
            return new(action.Operation, index, id, 429, "es_rejected_execution_exception", "rejected execution of coordinating operation");
        }

        var documents = _indices.GetOrAdd(index, _ => new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal));
        if (action.Operation == "create")
        {
            return documents.TryAdd(id, action.Source!)
                ? new(action.Operation, index, id, 201, null, null)
                : new(action.Operation, index, id, 409, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [1])");
        }

        var created = true;
        documents.AddOrUpdate(id, action.Source!, (_, _) =>
        {
            created = false;
            return action.Source!;
        });
        return new(action.Operation, index, id, created ? 201 : 200, null, null);
    }

    private async Task PutAsync(HttpContext context, bool dataStreamTemplate)
    {
        var body = await ReadBodyAsync(context.Request);
        Requests.Enqueue(new RecordedRequest("PUT", context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.ContentType, null, body.Length, [], 200));
        var document = JsonDocument.Parse(body);
        Puts[context.Request.Path.ToString()] = document;
        if (dataStreamTemplate && document.RootElement.TryGetProperty("data_stream", out _))
        {
            foreach (var pattern in document.RootElement.GetProperty("index_patterns").EnumerateArray())
            {
                _dataStreamPatterns[context.Request.Path.ToString() + pattern.GetString()] = pattern.GetString()!;
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"acknowledged":true}""");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var memory = new MemoryStream();
        if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(memory);
        }
        else
        {
            await request.Body.CopyToAsync(memory);
        }

        return memory.ToArray();
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("type", type);
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
        writer.WriteNumber("status", status);
        writer.WriteEndObject();
    }

    /// <summary>Whether a field exists at a dotted path (objects followed segment by segment, or a literal dotted key).</summary>
    private static bool HasField(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (element.TryGetProperty(path, out _))
        {
            return true;
        }

        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && element.TryGetProperty(path[..dot], out var child) && HasField(child, path[(dot + 1)..]);
    }

    private static bool Glob(string pattern, string name)
    {
        var parts = pattern.Split('*');
        if (!name.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var found = i == parts.Length - 1
                ? (name.Length - parts[i].Length >= position && name.EndsWith(parts[i], StringComparison.Ordinal) ? name.Length - parts[i].Length : -1)
                : name.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return parts.Length > 1 || position == name.Length;
    }

    private sealed record ItemResult(string Operation, string Index, string Id, int Status, string? ErrorType, string? Reason);
}

/// <summary>One request as the emulator saw it (body decompressed).</summary>
internal sealed record RecordedRequest(
    string Method, string Path, string Authorization, string? ContentType, string? ContentEncoding, int BodyLength, string[] Ids, int Status);
