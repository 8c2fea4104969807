using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>
/// The sink's HTTP transport with faults kinesalite cannot produce: sits below the signer, in front of kinesalite, and
/// for PutRecords (a) fails whole requests by number, and (b) fails chosen records with an <c>ErrorCode</c> the way the
/// service does: those records are taken out of the request before it is forwarded (so they are not stored) and put
/// back into the answer at their index. Also counts requests and the records of each, as a spy.
/// </summary>
internal sealed class FaultInjector() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    private readonly Lock _gate = new();
    private readonly List<int> _recordsPerRequest = [];
    private readonly HashSet<string> _faulted = [];

    /// <summary>By 1-based PutRecords request number: the status and error code to fail the whole request with, or null.</summary>
    public Func<int, (HttpStatusCode Status, string Code)?> RequestFault { get; set; } = static _ => null;

    /// <summary>
    /// By index in the request and the record's data: the ErrorCode to fail the record with, or null. A record (same data)
    /// is faulted at most once, so its retry succeeds.
    /// </summary>
    public Func<int, string, string?> RecordFault { get; set; } = static (_, _) => null;

    public IReadOnlyList<int> RecordsPerRequest
    {
        get
        {
            lock (_gate)
            {
                return [.. _recordsPerRequest];
            }
        }
    }

    public int FaultedRecords
    {
        get
        {
            lock (_gate)
            {
                return _faulted.Count;
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out var targets) || targets.Single() != "Kinesis_20131202.PutRecords")
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var records = body["Records"]!.AsArray();
        int number;
        lock (_gate)
        {
            _recordsPerRequest.Add(records.Count);
            number = _recordsPerRequest.Count;
        }

        if (RequestFault(number) is { } fault)
        {
            return Json(fault.Status, new JsonObject { ["__type"] = fault.Code, ["message"] = "injected by the test" });
        }

        var codes = new string?[records.Count];
        var forwarded = new JsonArray();
        for (var i = 0; i < records.Count; i++)
        {
            var data = (string)records[i]!["Data"]!;
            var code = RecordFault(i, data);
            lock (_gate)
            {
                if (code is not null && _faulted.Add(data))
                {
                    codes[i] = code;
                    continue;
                }
            }

            forwarded.Add(records[i]!.DeepClone());
        }

        var answers = new Queue<JsonNode?>();
        if (forwarded.Count > 0)
        {
            body["Records"] = forwarded;
            using var copy = new HttpRequestMessage(request.Method, request.RequestUri);
            foreach (var header in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            copy.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            copy.Content.Headers.ContentType = request.Content.Headers.ContentType;
            using var response = await base.SendAsync(copy, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Json(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject());
            }

            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            foreach (var item in answer["Records"]!.AsArray())
            {
                answers.Enqueue(item!.DeepClone());
            }
        }

        var merged = new JsonArray();
        var failed = 0;
        foreach (var code in codes)
        {
            if (code is null)
            {
                merged.Add(answers.Dequeue());
            }
            else
            {
                failed++;
                merged.Add(new JsonObject { ["ErrorCode"] = code, ["ErrorMessage"] = "injected by the test" });
            }
        }

        return Json(HttpStatusCode.OK, new JsonObject { ["FailedRecordCount"] = failed, ["Records"] = merged });
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) => new(status)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1"),
    };
}
