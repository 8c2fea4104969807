using System.Net;
using System.Net.Sockets;

namespace HybridLogging.Sinks.Elasticsearch.Tests.Kit;

/// <summary>A node that accepts TCP connections on 127.0.0.1 and closes them at once (a crashed Elasticsearch behind a live port), counting them.</summary>
internal sealed class DeadNode : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public DeadNode()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => _listener.Dispose();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                client.Client.LingerState = new LingerOption(true, 0); // reset, not a graceful close
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }
}
