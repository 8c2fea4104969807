using System.Buffers;
using System.Text;
using System.Text.Json;
using HybridLogging.Sinks.Elasticsearch.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed class EcsLogFormatterTests
{
    private static LogEntry FullEntry() => new()
    {
        Timestamp = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero),
        Level = LogLevel.Warning,
        Source = "HybridRouter",
        Category = "MyApp.Routing.HybridRouter",
        EventId = new EventId(42, "Routed"),
        Message = "Routed acme to bedrock",
        MessageTemplate = "Routed {Tenant} to {Provider}",
        CorrelationId = "corr-1",
        RequestId = "req-1",
        UserId = "user-1",
        SessionId = "session-1",
        OperationType = "route",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        SpanId = "b7ad6b7169203331",
        Duration = TimeSpan.FromMilliseconds(12.5),
        Error = new LogError { Type = "System.TimeoutException", Message = "took too long", StackTrace = "   at Router.Route()", Code = "E42" },
        Performance = new PerformanceInfo { LatencyMs = 118.4, Throughput = 50, ErrorRate = 0.02 },
        Routing = new RoutingInfo { Provider = "bedrock", Fallback = "openai-fallback", Reason = "primary healthy" },
        Metadata = new Dictionary<string, string> { ["service"] = "router", ["environment"] = "production", ["region"] = "eu-west-1" },
        Properties =
        [
            new("Tenant", "acme"),
            new("http.method", "GET"),
            new("a*b\\c", "x"),
            new("TransactionId", "tx-1"),
            new("Attempt", 3),
            new("Ratio", 0.5),
            new("Ok", true),
            new("Flags", new object?[] { 1, 2 }),
        ],
    };

    private static readonly (string Field, string Type)[] ExpectedFields =
    [
        ("@timestamp", "string"),
        ("ecs.version", "string"),
        ("error.code", "string"),
        ("error.message", "string"),
        ("error.stack_trace", "string"),
        ("error.type", "string"),
        ("event.code", "string"),
        ("event.duration", "number"),
        ("host.name", "string"),
        ("hybrid.correlation_id", "string"),
        ("hybrid.event_name", "string"),
        ("hybrid.message_template", "string"),
        ("hybrid.metadata.environment", "string"),
        ("hybrid.metadata.region", "string"),
        ("hybrid.metadata.service", "string"),
        ("hybrid.operation_type", "string"),
        ("hybrid.performance.error_rate", "number"),
        ("hybrid.performance.latency_ms", "number"),
        ("hybrid.performance.throughput", "number"),
        ("hybrid.properties.Attempt", "number"),
        ("hybrid.properties.Flags", "array"),
        ("hybrid.properties.Ok", "boolean"),
        ("hybrid.properties.Ratio", "number"),
        ("hybrid.request_id", "string"),
        ("hybrid.routing.fallback", "string"),
        ("hybrid.routing.provider", "string"),
        ("hybrid.routing.reason", "string"),
        ("hybrid.session_id", "string"),
        ("hybrid.source", "string"),
        ("hybrid.user_id", "string"),
        ("labels.Tenant", "string"),
        ("labels.a_b_c", "string"),
        ("labels.http_method", "string"),
        ("log.level", "string"),
        ("log.logger", "string"),
        ("message", "string"),
        ("process.pid", "number"),
        ("service.environment", "string"),
        ("service.name", "string"),
        ("span.id", "string"),
        ("trace.id", "string"),
        ("transaction.id", "string"),
    ];

    [Fact]
    public void Document_has_exactly_the_expected_ECS_field_names_and_types()
    {
        var bytes = Format(new EcsLogFormatter(), FullEntry());

        var fields = JsonFields.Flatten(bytes);

        Assert.Equal(ExpectedFields.Select(f => $"{f.Field}:{f.Type}"), fields.Select(f => $"{f.Key}:{f.Value}"));
    }

    [Fact]
    public void Document_values_follow_ECS_conventions()
    {
        using var document = JsonDocument.Parse(Format(new EcsLogFormatter(), FullEntry()));
        var root = document.RootElement;

        Assert.Equal("2026-03-04T05:06:07.89Z", root.GetProperty("@timestamp").GetString());
        Assert.Equal("warn", root.GetProperty("log").GetProperty("level").GetString());
        Assert.Equal("MyApp.Routing.HybridRouter", root.GetProperty("log").GetProperty("logger").GetString());
        Assert.Equal(12_500_000, root.GetProperty("event").GetProperty("duration").GetInt64());
        Assert.Equal("router", root.GetProperty("service").GetProperty("name").GetString());
        Assert.Equal("production", root.GetProperty("service").GetProperty("environment").GetString());
        Assert.Equal(Environment.ProcessId, root.GetProperty("process").GetProperty("pid").GetInt32());
        Assert.Equal(Environment.MachineName, root.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal("tx-1", root.GetProperty("transaction").GetProperty("id").GetString());
        Assert.Equal("GET", root.GetProperty("labels").GetProperty("http_method").GetString());
    }

    [Fact]
    public void Each_record_is_one_line_ending_with_a_newline()
    {
        var bytes = Format(new EcsLogFormatter(), Some.LogEntry(1, "two\nlines"));

        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.Equal(1, bytes.Count(b => b == (byte)'\n'));
    }

    [Fact]
    public void Fixed_service_settings_win_over_metadata_and_are_part_of_the_key()
    {
        var formatter = new EcsLogFormatter("billing", "staging");
        using var document = JsonDocument.Parse(Format(formatter, FullEntry()));

        Assert.Equal("billing", document.RootElement.GetProperty("service").GetProperty("name").GetString());
        Assert.Equal("staging", document.RootElement.GetProperty("service").GetProperty("environment").GetString());
        Assert.Equal("ecs", new EcsLogFormatter().Key);
        Assert.Equal("ecs;service=billing;environment=staging", formatter.Key);
    }

    [Fact]
    public void A_Guid_TransactionId_becomes_transaction_id_and_is_not_repeated()
    {
        var id = Guid.Parse("5f0c6d1e-2a4b-4c3d-9e8f-7a6b5c4d3e2f");
        var entry = Some.LogEntry(1, properties: [new("transactionId", id), new("Other", 1)]);

        using var document = JsonDocument.Parse(Format(new EcsLogFormatter(), entry));

        Assert.Equal(id.ToString(), document.RootElement.GetProperty("transaction").GetProperty("id").GetString());
        Assert.False(document.RootElement.GetProperty("hybrid").GetProperty("properties").TryGetProperty("transactionId", out _));
    }

    [Fact]
    public void Keys_that_collide_after_sanitizing_keep_the_first_value()
    {
        var entry = Some.LogEntry(1, properties: [new("a.b", "first"), new("a_b", "second"), new("a.b", "third")]);

        using var document = JsonDocument.Parse(Format(new EcsLogFormatter(), entry));

        var labels = document.RootElement.GetProperty("labels");
        Assert.Single(labels.EnumerateObject());
        Assert.Equal("first", labels.GetProperty("a_b").GetString());
    }

    [Fact]
    public void Hostile_text_still_gives_one_valid_document()
    {
        var entry = Some.LogEntry(1, "bad \ud800 surrogate \"quoted\" \u0001", [new("bad\udc00name", "v"), new("Nan", double.NaN)]);

        var bytes = Format(new EcsLogFormatter(), entry);

        using var document = JsonDocument.Parse(bytes);
        Assert.Contains("surrogate", document.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(document.RootElement.TryGetProperty("@timestamp", out _));
    }

    [Fact]
    public void A_large_entry_with_a_value_whose_ToString_throws_is_exactly_one_valid_document()
    {
        var entry = Some.LogEntry(1, new string('m', 100_000), [new("Fine", "ok"), new("Hostile", new ThrowingValue())]);
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("previous\n"u8);

        new EcsLogFormatter().Write(entry, buffer);

        var written = buffer.WrittenSpan["previous\n"u8.Length..].ToArray();
        Assert.Equal(1, written.Count(b => b == (byte)'\n'));
        using var document = JsonDocument.Parse(written);
        Assert.Equal(typeof(ThrowingValue).FullName, document.RootElement.GetProperty("hybrid").GetProperty("properties").GetProperty("Hostile").GetString());
        Assert.Equal(100_000, document.RootElement.GetProperty("message").GetString()!.Length);
    }

    [Fact]
    public void Non_ascii_text_is_written_as_is_not_escaped()
    {
        var bytes = Format(new EcsLogFormatter(), Some.LogEntry(1, "Grüße, 日本"));

        Assert.Contains("Grüße, 日本", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    private static byte[] Format(EcsLogFormatter formatter, LogEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        formatter.Write(entry, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private sealed class ThrowingValue
    {
        public override string ToString() => throw new InvalidOperationException("hostile");
    }
}
