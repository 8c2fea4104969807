using System.Net;
using System.Net.Sockets;
using System.Text;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using HybridLogging.Sinks.Elasticsearch.Internal;
using HybridLogging.Sinks.Elasticsearch.Tests.Emulator;
using HybridLogging.Sinks.Elasticsearch.Tests.Kit;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed class ElasticsearchTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fails_over_from_a_dead_node_to_a_live_one()
    {
        await using var fixture = await SinkFixture.StartAsync();
        using var deadNode = new DeadNode();
        var sink = fixture.Sink(o =>
        {
            o.Nodes.Clear();
            o.Nodes.Add(deadNode.Url.ToString());
            o.Nodes.Add(fixture.Emulator.Url.ToString());
        });

        var connectionsAfterFirstRound = 0;
        for (var round = 0; round < 3; round++)
        {
            var entries = Enumerable.Range(round * 10, 10).Select(i => Some.LogEntry(i)).ToArray();
            var batch = LogRecordBatch.FromRecords(Some.Records(sink.Formatter, entries, firstSequence: (round * 10) + 1));
            await sink.WriteAsync(batch, Ct);
            Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(i)));
            if (round == 0)
            {
                connectionsAfterFirstRound = deadNode.Connections;
            }
        }

        Assert.Equal(30, fixture.Emulator.DocumentCount);
        Assert.Equal(0, sink.Totals.Duplicates);
        Assert.True(connectionsAfterFirstRound >= 1, "the dead node, listed first, was tried first");
        Assert.Equal(connectionsAfterFirstRound, deadNode.Connections); // then left alone while marked dead
    }

    [Fact]
    public async Task All_nodes_dead_is_a_whole_request_failure_that_throws()
    {
        var options = new ElasticsearchSinkOptions { DeadLetterPath = "" };
        options.Nodes.Add($"http://127.0.0.1:{FreePort()}/");
        options.Nodes.Add($"http://127.0.0.1:{FreePort()}/");
        await using var sink = new ElasticsearchSink("dead", options);

        var error = await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct));

        Assert.Contains("bulk request failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_key_is_sent_as_an_ApiKey_authorization_header_and_never_appears_in_errors()
    {
        await using var fixture = await SinkFixture.StartAsync();
        fixture.Emulator.RequiredAuthorization = "ApiKey c2VjcmV0LWtleQ==";
        var sink = fixture.Sink(o => o.ApiKey = "c2VjcmV0LWtleQ==");

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(2)), Ct);

        Assert.Equal(2, fixture.Emulator.DocumentCount);
        Assert.All(fixture.Emulator.Requests, r => Assert.Equal("ApiKey c2VjcmV0LWtleQ==", r.Authorization));

        var wrong = fixture.Sink(o => o.ApiKey = "d3Jvbmcta2V5");
        var error = await Assert.ThrowsAsync<IOException>(async () => await wrong.WriteAsync(Some.Batch(wrong.Formatter, Some.LogEntries(1)), Ct));
        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("d3Jvbmcta2V5", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_credentials_are_sent_as_a_Basic_authorization_header()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:changeme"));
        fixture.Emulator.RequiredAuthorization = expected;
        var sink = fixture.Sink(o => { o.Username = "elastic"; o.Password = "changeme"; });

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(2)), Ct);

        Assert.Equal(2, fixture.Emulator.DocumentCount);
        Assert.All(fixture.Emulator.Requests, r => Assert.Equal(expected, r.Authorization));
    }

    [Fact]
    public async Task Certificate_fingerprint_pins_the_server_certificate_and_refuses_another()
    {
        using var serverCertificate = Certificates.SelfSigned("emulator");
        using var otherCertificate = Certificates.SelfSigned("impostor");
        await using var emulator = await EsEmulator.StartAsync(serverCertificate);
        var url = new UriBuilder(emulator.Url) { Scheme = "https" }.Uri.ToString();

        var pinnedRight = new ElasticsearchSinkOptions { DeadLetterPath = "", CertificateFingerprint = Certificates.Fingerprint(serverCertificate) };
        pinnedRight.Nodes.Add(url);
        await using (var sink = new ElasticsearchSink("pinned", pinnedRight))
        {
            await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct);
        }

        Assert.Equal(3, emulator.DocumentCount);

        var pinnedWrong = new ElasticsearchSinkOptions { DeadLetterPath = "", CertificateFingerprint = Certificates.Fingerprint(otherCertificate) };
        pinnedWrong.Nodes.Add(url);
        await using (var sink = new ElasticsearchSink("impostor", pinnedWrong))
        {
            var error = await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct));
            Assert.Contains("bulk request failed", error.Message, StringComparison.Ordinal);
            Assert.Contains("remote certificate was rejected", error.Message, StringComparison.Ordinal);
        }

        var unpinned = new ElasticsearchSinkOptions { DeadLetterPath = "" };
        unpinned.Nodes.Add(url);
        await using (var sink = new ElasticsearchSink("unpinned", unpinned))
        {
            // Without a pin, normal validation refuses the self-signed certificate too.
            await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(3)), Ct));
        }

        Assert.Equal(3, emulator.DocumentCount);
    }

    [Fact]
    public async Task An_app_transport_is_used_as_given()
    {
        await using var fixture = await SinkFixture.StartAsync();
        fixture.Emulator.RequiredAuthorization = "ApiKey YXBwLWtleQ==";
        var configuration = new TransportConfiguration(new SingleNodePool(fixture.Emulator.Url), null, null, ElasticsearchProductRegistration.Default)
        {
            Authentication = new ApiKey("YXBwLWtleQ=="),
            ThrowExceptions = true,
        };
        var sink = fixture.Sink(o =>
        {
            o.Nodes.Clear();
            o.Transport = new DistributedTransport(configuration);
        });

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(4)), Ct);
        fixture.Emulator.Faults.FailRequests(1, 503);
        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(4)), Ct));

        Assert.Equal(4, fixture.Emulator.DocumentCount);
    }

    [Fact]
    public async Task An_app_transport_configuration_is_used_for_the_sinks_own_transport()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var configuration = new TransportConfiguration(new SingleNodePool(fixture.Emulator.Url), null, null, ElasticsearchProductRegistration.Default)
        {
            EnableHttpCompression = false,
        };
        var sink = fixture.Sink(o =>
        {
            o.Nodes.Clear();
            o.TransportConfiguration = configuration;
        });

        await sink.WriteAsync(Some.Batch(sink.Formatter, Some.LogEntries(4)), Ct);

        Assert.Equal(4, fixture.Emulator.DocumentCount);
        Assert.Equal(string.Empty, fixture.Emulator.Requests.Last().ContentEncoding);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
