using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public async Task Context_flows_across_await_Task_Run_and_new_threads()
    {
        using var scope = CorrelationContext.Begin("corr-flow", requestId: "req-1");
        await Task.Yield();
        Assert.Same(scope.Context, CorrelationContext.Current);

        var fromTaskRun = await Task.Run(() => CorrelationContext.Current, TestProvider.Token);
        Assert.Same(scope.Context, fromTaskRun);

        CorrelationContext? fromThread = null;
        var thread = new Thread(() => fromThread = CorrelationContext.Current);
        thread.Start();
        thread.Join();
        Assert.Same(scope.Context, fromThread);
    }

    [Fact]
    public void Nested_context_inherits_parent_ids_left_null_and_top_level_generates_a_correlation_id()
    {
        using var outer = CorrelationContext.Begin(requestId: "req-1", userId: "user-1", sessionId: "sess-1", operationType: "route");
        Assert.Matches("^[0-9a-f]{32}$", outer.Context.CorrelationId);
        Assert.Null(outer.Context.Parent);

        using var inner = CorrelationContext.Begin(requestId: "req-2");
        Assert.Equal(outer.Context.CorrelationId, inner.Context.CorrelationId);
        Assert.Equal("req-2", inner.Context.RequestId);
        Assert.Equal("user-1", inner.Context.UserId);
        Assert.Equal("sess-1", inner.Context.SessionId);
        Assert.Equal("route", inner.Context.OperationType);
        Assert.Same(outer.Context, inner.Context.Parent);

        using var other = CorrelationContext.Begin(correlationId: "explicit");
        Assert.Equal("explicit", other.Context.CorrelationId);
    }

    [Fact]
    public void Generated_correlation_ids_are_random_version_4_guids_that_do_not_repeat_across_threads()
    {
        const int PerThread = 50_000;
        var ids = new Guid[4 * PerThread];
        Parallel.For(0, 4, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                using var scope = CorrelationContext.Begin();
                ids[(t * PerThread) + i] = Guid.ParseExact(scope.Context.CorrelationId, "N");
            }
        });

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(4, id.Version));
        Assert.All(ids, id => Assert.Equal(0b10, id.Variant >> 2)); // RFC 9562: the two top bits of the variant are 10

        // Every random bit varies: no byte of the id is stuck (a generator filling only part of the bytes would show).
        var seen = new int[16];
        foreach (var id in ids.Take(1000))
        {
            var bytes = id.ToByteArray();
            for (var b = 0; b < 16; b++)
            {
                seen[b] |= bytes[b] ^ ids[0].ToByteArray()[b];
            }
        }

        Assert.All(Enumerable.Range(0, 16).Where(b => b is not 7 and not 8), b => Assert.Equal(0xFF, seen[b]));
        Assert.Equal(0x0F, seen[7]);
        Assert.Equal(0x3F, seen[8]);
    }

    [Fact]
    public void A_generated_id_is_one_string_of_32_hex_digits_whichever_thread_reads_it_first()
    {
        using var scope = CorrelationContext.Begin(requestId: "req-lazy");
        var context = scope.Context;
        var read = new string[8];
        Parallel.For(0, read.Length, i => read[i] = context.CorrelationId);

        Assert.Matches("^[0-9a-f]{32}$", read[0]);
        Assert.All(read, id => Assert.Same(read[0], id));
        using var child = CorrelationContext.Begin(requestId: "req-child");
        Assert.Same(read[0], child.Context.CorrelationId);
    }

    [Fact]
    public void Beginning_a_context_does_not_format_its_generated_id_on_the_calling_thread()
    {
        static long BeginAndEnd()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                using var scope = CorrelationContext.Begin(requestId: "req");
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }

        BeginAndEnd(); // warm-up
        var perContext = BeginAndEnd();

        // About 280 B: the context, its scope handle and the execution context's change of AsyncLocal value. Formatting
        // the id here added 88 B (368 B measured with it); the text is made when the id is first read.
        Assert.True(perContext < 320, $"{perContext} B per context");
    }

    [Fact]
    public void Two_top_level_contexts_get_different_generated_ids()
    {
        string first;
        using (var a = CorrelationContext.Begin())
        {
            first = a.Context.CorrelationId;
        }

        using var b = CorrelationContext.Begin();
        Assert.NotEqual(first, b.Context.CorrelationId);
    }

    [Fact]
    public void Dispose_restores_the_previous_context_even_out_of_order()
    {
        Assert.Null(CorrelationContext.Current);
        var outer = CorrelationContext.Begin("outer");
        var inner = CorrelationContext.Begin("inner");
        Assert.Equal("inner", CorrelationContext.Current?.CorrelationId);

        // Out of order: the outer handle restores what was current when it began (nothing).
        outer.Dispose();
        Assert.Null(CorrelationContext.Current);

        // The inner handle restores what was current when it began (outer), even though outer is disposed.
        inner.Dispose();
        Assert.Equal("outer", CorrelationContext.Current?.CorrelationId);

        // Idempotent: a second dispose changes nothing.
        var third = CorrelationContext.Begin("third");
        inner.Dispose();
        Assert.Same(third.Context, CorrelationContext.Current);
        third.Dispose();
        outer.Dispose();
        Assert.Equal("outer", CorrelationContext.Current?.CorrelationId);
    }

    [Fact]
    public void A_copy_of_a_handle_is_the_same_handle_and_a_default_handle_restores_nothing()
    {
        var outer = CorrelationContext.Begin("outer");
        var inner = CorrelationContext.Begin("inner");
        var copy = inner;
        Assert.True(copy == inner);

        copy.Dispose();
        Assert.Equal("outer", CorrelationContext.Current?.CorrelationId);

        // The handle was disposed through its copy: disposing it again changes nothing.
        var later = CorrelationContext.Begin("later");
        inner.Dispose();
        default(CorrelationScope).Dispose();
        Assert.Same(later.Context, CorrelationContext.Current);
        Assert.Null(default(CorrelationScope).Context);

        later.Dispose();
        outer.Dispose();
        Assert.Null(CorrelationContext.Current);
    }

    [Fact]
    public async Task Context_set_inside_an_async_method_does_not_leak_to_the_caller()
    {
        static async Task InnerAsync()
        {
            CorrelationContext.Begin("leaky"); // never disposed on purpose
            await Task.Yield();
        }

        await InnerAsync();
        Assert.Null(CorrelationContext.Current);
    }

    [Fact]
    public async Task Entries_logged_inside_a_context_carry_its_ids()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Correlation");
        using (CorrelationContext.Begin("corr-1", requestId: "req-1", userId: "user-1", sessionId: "sess-1", operationType: "invoke"))
        {
            logger.LogInformation("inside");
            await Task.Run(() => logger.LogInformation("inside task"), TestProvider.Token);
        }

        logger.LogInformation("outside");
        await provider.FlushAsync(TestProvider.Token);

        var entries = sink.Entries;
        Assert.Equal(3, entries.Count);
        foreach (var entry in entries.Take(2))
        {
            Assert.Equal("corr-1", entry.CorrelationId);
            Assert.Equal("req-1", entry.RequestId);
            Assert.Equal("user-1", entry.UserId);
            Assert.Equal("sess-1", entry.SessionId);
            Assert.Equal("invoke", entry.OperationType);
        }

        Assert.Null(entries[2].CorrelationId);
        Assert.Null(entries[2].RequestId);
    }

    [Fact]
    public async Task A_generated_id_reaches_json_lines_without_its_text_being_made_and_records_share_one_text()
    {
        // Written as JSON lines only, the generated id's digits come straight from its GUID: the text is never made.
        var lines = new LinesSink();
        var context = await LogTwiceInsideAContext(lines);
        var text = typeof(CorrelationContext).GetField("_correlationId", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.Null(text.GetValue(context));
        Assert.Equal(2, lines.Lines.Count);
        Assert.All(lines.Lines, line => Assert.Equal(context.CorrelationId, JsonDocument.Parse(line).RootElement.GetProperty("correlationId").GetString()));
        Assert.Matches("^[0-9a-f]{32}$", context.CorrelationId);

        // A sink that reads its records' ids gets the context's own text, made once when first read.
        var records = new CorrelationRecordsSink();
        var other = await LogTwiceInsideAContext(records);
        Assert.Equal(2, records.Ids.Count);
        Assert.All(records.Ids, id => Assert.Same(other.CorrelationId, id));
    }

    private static async Task<CorrelationContext> LogTwiceInsideAContext(ILogSink sink)
    {
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Correlation");
        CorrelationContext context;
        using (CorrelationContext.Begin(requestId: "req-1"))
        {
            context = CorrelationContext.Current!;
            logger.LogInformation("first");
            logger.LogInformation("second");
        }

        await provider.FlushAsync(TestProvider.Token);
        return context;
    }

    [Fact]
    public async Task Activity_trace_and_span_ids_are_captured()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Correlation");
        using var activity = new Activity("test-operation").SetIdFormat(ActivityIdFormat.W3C).Start();
        logger.LogInformation("traced");
        activity.Stop();
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        Assert.Equal(activity.TraceId.ToHexString(), entry.TraceId);
        Assert.Equal(activity.SpanId.ToHexString(), entry.SpanId);
        // Without a correlation context the trace id serves as the correlation id.
        Assert.Equal(activity.TraceId.ToHexString(), entry.CorrelationId);
    }

    [Fact]
    public async Task Dictionary_scopes_become_properties_and_plain_scopes_go_to_scope()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink);
        var logger = host.Logger("Tests.Scopes");
        using (logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-1", ["Attempt"] = 3 }))
        using (logger.BeginScope("outer plain"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-inner", ["RequestId"] = "req-scope" }))
        using (logger.BeginScope("inner plain"))
        {
            logger.LogInformation("Handled {Item}", "x");
        }

        logger.LogInformation("after scopes");
        await host.FlushAsync();

        var entries = sink.Entries;
        Assert.Equal(2, entries.Count);
        var scoped = entries[0];
        Assert.Equal("x", scoped.GetProperty("Item"));
        Assert.Equal("t-inner", scoped.GetProperty("TenantId")); // innermost scope wins
        Assert.Equal(3, scoped.GetProperty("Attempt"));
        Assert.Equal("req-scope", scoped.RequestId); // well-known names are lifted
        var plain = Assert.IsType<object?[]>(scoped.GetProperty("scope"));
        Assert.Equal(["outer plain", "inner plain"], plain);

        Assert.Null(entries[1].GetProperty("TenantId"));
        Assert.Null(entries[1].GetProperty("scope"));
    }

    [Fact]
    public async Task Scopes_are_not_captured_when_IncludeScopes_is_false()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink, o => o.IncludeScopes = false);
        var logger = host.Logger("Tests.Scopes");
        using (logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-1" }))
        {
            logger.LogInformation("scoped");
        }

        await host.FlushAsync();
        Assert.Null(Assert.Single(sink.Entries).GetProperty("TenantId"));
    }

    /// <summary>Takes JSON records and keeps each record's correlation id (reading it, as a partitioning sink does).</summary>
    private sealed class CorrelationRecordsSink : IFormattedLogSink
    {
        private readonly List<string?> _ids = [];

        public List<string?> Ids
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public Formatting.LogEntryFormatter Formatter => Formatting.JsonLogFormatter.Instance;

        public ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
        {
            lock (_ids)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    _ids.Add(batch[i].CorrelationId);
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("records only");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
