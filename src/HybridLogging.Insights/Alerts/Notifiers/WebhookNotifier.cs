using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace HybridLogging.Insights.Alerts.Notifiers;

/// <summary>
/// POSTs alerts to one webhook: JSON (the <see cref="Alert"/> shape) or a Slack-compatible <c>{"text": ...}</c> body,
/// through a Polly.Core pipeline of retries with exponential backoff around a per-attempt timeout. The URL and header
/// values are secrets: diagnostics name the webhook only by its configured name.
/// </summary>
internal sealed class WebhookNotifier : IAlertNotifier
{
    private readonly string _name;
    private readonly Uri _url;
    private readonly WebhookFormat _format;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly AlertSeverity _minimumSeverity;
    private readonly bool _sendResolved;
    private readonly AlertCounters _counters;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookNotifier(string name, WebhookOptions options, TimeProvider time, AlertCounters counters)
    {
        _name = name;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _format = options.Format;
        _headers = [.. options.Headers];
        _minimumSeverity = options.MinimumSeverity;
        _sendResolved = options.SendResolved;
        _counters = counters;

        // Our own handler, not IHttpClientFactory: its clients log through ILogger, which would feed the pipeline.
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline's per-attempt timeout governs
        };

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } response } => IsTransient(response.StatusCode),
                    _ => false,
                }),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref counters.WebhookRetried);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        // Added last, so it is the inner strategy: each attempt gets its own timeout, and a hanging receiver costs at
        // most (MaxRetries + 1) timeouts before the next notice goes out.
        builder.AddTimeout(options.Timeout);
        _pipeline = builder.Build();
    }

    public bool Accepts(Alert alert) =>
        alert.Severity >= _minimumSeverity && (_sendResolved || alert.State == AlertState.Raised);

    public async ValueTask NotifyAsync(Alert alert, CancellationToken cancellationToken)
    {
        var body = _format == WebhookFormat.Slack
            ? JsonSerializer.SerializeToUtf8Bytes(new SlackPayload(SlackText(alert)), AlertJsonContext.Default.SlackPayload)
            : JsonSerializer.SerializeToUtf8Bytes(alert, AlertJsonContext.Default.Alert);
        string failure;
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static (state, token) => new ValueTask<HttpResponseMessage>(state.self.SendAsync(state.body, token)),
                (self: this, body),
                cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _counters.WebhookSent);
                return;
            }

            failure = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
        }
        catch (TimeoutRejectedException)
        {
            failure = "timeout";
        }
        catch (HttpRequestException ex)
        {
            // The exception's message may quote the endpoint; only its kind is reported.
            failure = ex.HttpRequestError.ToString();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = "abandoned at shutdown";
        }
#pragma warning disable CA1031 // every notice ends sent or counted as failed; the type names the cause without its text
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex.GetType().Name;
        }

        Interlocked.Increment(ref _counters.WebhookFailed);
        HybridSelfLog.Report("insights-webhook-failed", $"Alert webhook '{_name}' gave up on an alert of rule '{alert.Rule}': {failure}.");
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var header in _headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    internal static string SlackText(Alert alert) => alert.State == AlertState.Raised
        ? string.Create(CultureInfo.InvariantCulture, $"[{alert.Severity}] Alert '{alert.Rule}' raised for {alert.Source}: {alert.Message}")
        : string.Create(CultureInfo.InvariantCulture, $"[{alert.Severity}] Alert '{alert.Rule}' resolved for {alert.Source} (raised {alert.RaisedAt:u}): {alert.Message}");

    public void Dispose() => _client.Dispose();
}
