using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HybridLogging.Insights.Tests.Alerts;

/// <summary>A loopback HTTP receiver on a free port; <c>respond</c> decides each answer by the request's index.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, HttpListenerContext, CancellationToken, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<HttpListenerContext> _open = [];
    private readonly Task _loop;
    private int _count;

    public WebhookReceiver(Func<int, HttpListenerContext, CancellationToken, Task>? respond = null)
    {
        _respond = respond ?? ((_, context, _) => Answer(context, 200));
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(RunAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static Task Answer(HttpListenerContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.Close();
        return Task.CompletedTask;
    }

    /// <summary>Holds the request open without answering until the receiver is disposed.</summary>
    public static async Task Hang(HttpListenerContext context, CancellationToken stop)
    {
        await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        context.Response.Abort();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var index = Interlocked.Increment(ref _count) - 1;
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Received(index, context.Request.Url!.AbsolutePath, context.Request.ContentType, headers, body, DateTime.UtcNow));
            _open.Add(context);
            _ = Task.Run(() => _respond(index, context, _stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    public sealed record Received(int Index, string Path, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body, DateTime At);
}
