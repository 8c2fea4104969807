using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using HybridLogging.Formatting;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class JsonFormattingTests
{
    private static readonly HybridLoggingOptions DefaultOptions = new();

    [Property(Arbitrary = [typeof(HostileStrings)], MaxTest = 300)]
    public void Every_entry_with_hostile_text_formats_to_one_parseable_json_line(HostileInput input)
    {
        var settings = new PipelineSettings(DefaultOptions);
        var builder = new EntryBuilder();

        // 1. A raw message from the formatter delegate, with hostile property names/values and scopes.
        var state = new List<KeyValuePair<string, object?>> { new(input.PropertyName, input.PropertyValue) };
        var pending = PendingEntry<List<KeyValuePair<string, object?>>>.Rent(state, (_, _) => input.Message);
        Prepare(pending, settings);
        pending.AddScope(new Dictionary<string, object?> { [input.ScopeKey] = input.ScopeValue });
        pending.AddScope(input.PlainScope);
        var first = builder.Build(pending, settings);
        pending.Return();
        var json = FormatAndParse(first);
        Assert.Equal(ValueSnapshot.Sanitize(input.Message, DefaultOptions.MaxMessageLength), json.RootElement.GetProperty("message").GetString());
        Assert.False(json.RootElement.TryGetProperty("formatError", out _), "hostile content must not force the fallback line");

        // 2. A MEL message template whose argument is hostile: the rendered message is the argument.
        var captured = CapturingLogger.Capture(logger => logger.LogInformation("{Arg}", input.ArgValue));
        Prepare(captured, settings);
        var second = builder.Build(captured, settings);
        json = FormatAndParse(second);
        Assert.Equal(ValueSnapshot.Sanitize(input.ArgValue, DefaultOptions.MaxMessageLength), json.RootElement.GetProperty("message").GetString());
        Assert.Equal("{Arg}", json.RootElement.GetProperty("messageTemplate").GetString());
        Assert.Equal(
            ValueSnapshot.Sanitize(input.ArgValue, DefaultOptions.MaxPropertyLength),
            json.RootElement.GetProperty("properties").GetProperty("Arg").GetString());
    }

    [Fact]
    public void A_string_logged_again_as_the_same_instance_gets_the_verdict_of_the_settings_in_force()
    {
        // The view builder keeps a key's last string instance and its normalised value; strings are immutable, so only
        // the settings can change the verdict, and a change of settings drops what was kept.
        var secret = string.Concat("token=", "abc123secretvalue42");
        var builder = new ViewBuilder();
        var view = new LogEntryView();
        string? NoteOf(string note, PipelineSettings settings)
        {
            var state = new List<KeyValuePair<string, object?>> { new("Note", note), new("{OriginalFormat}", "Note {Note}") };
            var pending = PendingEntry<List<KeyValuePair<string, object?>>>.Rent(state, (_, _) => "unused");
            pending.TimestampTicks = DateTime.UtcNow.Ticks;
            pending.Level = LogLevel.Information;
            pending.Category = settings.ResolveCategory("Tests.Cache");
            builder.Build(pending, settings, view, 1);
            pending.Return();
            return view.GetPropertyValue(0) as string;
        }

        var redacting = new PipelineSettings(new HybridLoggingOptions());
        Assert.Equal("token=***", NoteOf(secret, redacting));
        Assert.Equal("token=***", NoteOf(secret, redacting)); // the same instance: the kept verdict
        Assert.Equal("plain", NoteOf("plain", redacting));
        Assert.Equal("token=***", NoteOf(new string(secret.AsSpan()), redacting)); // equal text, another instance

        var notRedacting = new PipelineSettings(new HybridLoggingOptions { RedactSecretValues = false });
        Assert.Equal(secret, NoteOf(secret, notRedacting));
        Assert.Equal("token=***", NoteOf(secret, redacting));
    }

    [Property(Arbitrary = [typeof(HostileStrings)], MaxTest = 200)]
    public void Names_and_templates_encoded_once_write_the_same_bytes_as_escaping_them_per_entry(HostileInput input)
    {
        // The writer copies a category's, source's, template's and event name's bytes encoded once (the view's category
        // state and template shape); formatting the same entry as an object escapes them on every call instead.
        var settings = new PipelineSettings(DefaultOptions);
        var builder = new ViewBuilder();
        var view = new LogEntryView();
        var template = input.ScopeKey + " {Value} " + input.Message.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal);
        foreach (var (eventId, eventName, level) in new (int, string?, LogLevel)[]
        {
            (7, input.PlainScope, LogLevel.Information), (7, input.ScopeValue, LogLevel.Warning), (8, input.PlainScope, LogLevel.Information), (0, null, LogLevel.Error),
        })
        {
            // One template and category with changing events and levels: each line must carry its own, never the ones
            // encoded for the line before.
            var state = new List<KeyValuePair<string, object?>> { new("Value", input.ArgValue), new("{OriginalFormat}", template) };
            var pending = PendingEntry<List<KeyValuePair<string, object?>>>.Rent(state, (_, _) => "unused");
            pending.TimestampTicks = DateTime.UtcNow.Ticks;
            pending.Level = level;
            pending.EventId = new EventId(eventId, eventName);
            pending.Category = settings.ResolveCategory(input.PropertyName + "." + input.PropertyValue);
            builder.Build(pending, settings, view, 1);
            pending.Return();

            var encoded = new ArrayBufferWriter<byte>();
            JsonLogFormatter.Instance.Write(view, encoded);
            var escaped = new ArrayBufferWriter<byte>();
            JsonLogFormatter.Instance.Write(view.ToLogEntry(), escaped);
            Assert.Equal(Encoding.UTF8.GetString(escaped.WrittenSpan), Encoding.UTF8.GetString(encoded.WrittenSpan));
            var json = JsonDocument.Parse(encoded.WrittenSpan[..^1].ToArray()).RootElement;
            Assert.Equal(eventName is null ? null : ValueSnapshot.Sanitize(eventName, int.MaxValue), json.TryGetProperty("eventName", out var name) ? name.GetString() : null);
            Assert.Equal(eventId == 0 ? null : (int?)eventId, json.TryGetProperty("eventId", out var id) ? id.GetInt32() : (int?)null);
            Assert.Equal(LogLevelNames.Get(level), json.GetProperty("level").GetString());
        }
    }

    [Property(Arbitrary = [typeof(HostileStrings)], MaxTest = 100)]
    public void Directly_written_entries_with_hostile_fields_format_to_one_parseable_line(HostileInput input)
    {
        var entry = new LogEntry
        {
            Timestamp = DateTimeOffset.UtcNow,
            Category = input.ScopeKey,
            Source = input.ScopeValue,
            EventId = new EventId(1, input.PlainScope),
            Message = input.Message,
            MessageTemplate = input.ArgValue,
            CorrelationId = input.PropertyValue,
            Properties = [new(input.PropertyName, input.PropertyValue)],
            Metadata = new Dictionary<string, string> { [input.PropertyName] = input.ArgValue },
        };

        // Invalid UTF-16 in a field the pipeline did not sanitize (a direct entry's category, ids, metadata) makes the
        // formatter fall back to its documented minimal line, which still carries the sanitized message.
        using var json = FormatAndParse(entry);
        var fallback = json.RootElement.TryGetProperty("formatError", out _);
        Assert.Equal(
            ValueSnapshot.Sanitize(input.Message, fallback ? 32 * 1024 : int.MaxValue),
            json.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("Tests.Evil\nFORGED ERROR line")]
    [InlineData("Tests.Evil\r\nCRITICAL [X] forged")]
    public void Text_formatter_never_lets_a_source_forge_a_line(string category)
    {
        var entry = Some.LogEntry("message", category: category);
        var output = new ArrayBufferWriter<byte>();
        new TextLogFormatter().Write(entry, output);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal(1, text.Count(c => c == '\n'));
        Assert.DoesNotContain('\r', text);
    }

    [Fact]
    public void Text_formatter_writes_hostile_messages_on_one_line()
    {
        var entry = Some.LogEntry("line1\nline2\r\u0000\u001b[31m" + "\uD800");
        var output = new ArrayBufferWriter<byte>();
        new TextLogFormatter().Write(entry, output);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal(1, text.Count(c => c == '\n'));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("line1\\nline2\\r\\u0000\\u001b[31m", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Property_whose_ToString_throws_becomes_a_marker()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        provider.CreateLogger("Tests.Json").LogInformation("Value {Bad}", new ThrowsOnToString());
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        Assert.Equal("[ToString() threw InvalidOperationException]", entry.GetProperty("Bad"));
        // Rendered once, on the calling thread, for both the message and the property.
        Assert.Equal("Value [ToString() threw InvalidOperationException]", entry.Message);
        FormatAndParse(entry);
    }

    [Fact]
    public async Task Self_referencing_list_is_cut_at_the_maximum_depth()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o => o.MaxPropertyDepth = 3);
        var loop = new List<object>();
        loop.Add(loop);
        provider.CreateLogger("Tests.Json").LogInformation("Loop {Loop}", loop);
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        var level1 = Assert.IsType<object?[]>(entry.GetProperty("Loop"));
        var level2 = Assert.IsType<object?[]>(Assert.Single(level1));
        var level3 = Assert.IsType<object?[]>(Assert.Single(level2));
        Assert.Equal(ValueSnapshot.DepthMarker, Assert.Single(level3));
        var json = FormatAndParse(entry);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("properties").GetProperty("Loop").ValueKind);
    }

    [Fact]
    public async Task Huge_and_endless_collections_keep_a_bounded_number_of_items()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o => o.MaxCollectionItems = 50);
        var logger = provider.CreateLogger("Tests.Json");
        // The endless sequence goes in as a structured value, not a template argument: MEL itself renders template
        // arguments into the message by enumerating them completely.
        logger.Log(
            LogLevel.Information,
            default,
            new List<KeyValuePair<string, object?>>
            {
                new("Huge", Enumerable.Range(0, 1_000_000).ToList()),
                new("Endless", Endless()),
                new("Map", Enumerable.Range(0, 10_000).ToDictionary(i => "k" + i, i => (object?)i)),
            },
            null,
            (_, _) => "bounded");
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        // A cut sequence ends with the truncation marker, so no reader takes its first items for the whole.
        Assert.Equal(Enumerable.Range(0, 50).Cast<object?>().Append(ValueSnapshot.TruncatedMarker), Assert.IsType<object?[]>(entry.GetProperty("Huge")));
        Assert.Equal(51, Assert.IsType<object?[]>(entry.GetProperty("Endless")).Length);
        Assert.Equal(51, Assert.IsType<KeyValuePair<string, object?>[]>(entry.GetProperty("Map")).Length); // 50 and the marker
        FormatAndParse(entry);

        static IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                yield return i;
            }
        }
    }

    [Fact]
    public async Task Endless_template_argument_is_rendered_bounded_instead_of_stalling_the_pipeline()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink, o => o.MaxCollectionItems = 5);
        var logger = provider.CreateLogger("Tests.Json");
        // MEL renders an enumerable argument by enumerating all of it: an endless one would run the dispatcher out of
        // memory while every other entry waits.
        logger.LogInformation("Items {Items} at {Rate:0.0} of {Name,6}|{{literal}}", Endless(), 2.25, "ab");
        logger.LogInformation("Small {Items} and {Missing}", new List<int?> { 1, null }, null);
        logger.LogInformation("next");
        await provider.FlushAsync(TestProvider.Token);

        var entries = sink.Entries;
        Assert.Equal(3, entries.Count);
        Assert.Equal("Items 0, 1, 2, 3, 4, … at 2.3 of     ab|{literal}", entries[0].Message);
        Assert.Equal([0, 1, 2, 3, 4, ValueSnapshot.TruncatedMarker], Assert.IsType<object?[]>(entries[0].GetProperty("Items")));
        Assert.Equal("Small 1, (null) and (null)", entries[1].Message); // small collections keep MEL's own rendering
        Assert.Equal("next", entries[2].Message);

        static IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                yield return i;
            }
        }
    }

    [Fact]
    public async Task Formatter_delegate_that_throws_yields_a_marker_message_and_the_call_does_not_throw()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Json");
        logger.Log(LogLevel.Warning, new EventId(7, "boom"), "state", null, (_, _) => throw new FormatException("bad"));
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        Assert.Equal("[message formatting failed: FormatException]", entry.Message);
        var json = FormatAndParse(entry);
        Assert.Equal(7, json.RootElement.GetProperty("eventId").GetInt32());
    }

    [Fact]
    public async Task Enumerating_state_that_throws_is_reported_not_thrown()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        provider.CreateLogger("Tests.Json").Log(LogLevel.Information, default, new ThrowingState(), null, (_, _) => "ok");
        await provider.FlushAsync(TestProvider.Token);

        var entry = Assert.Single(sink.Entries);
        Assert.Equal("ok", entry.Message);
        Assert.Equal("[state enumeration failed: InvalidOperationException]", entry.GetProperty("stateError"));
    }

    [Fact]
    public async Task Secret_properties_are_redacted_before_the_sink_sees_them()
    {
        var sink = new CollectingSink();
        await using var host = LoggingHost.Create(sink);
        var logger = host.Logger("Tests.Redaction");
        using (logger.BeginScope(new Dictionary<string, object?> { ["DbPassword"] = "scope-secret" }))
        {
            logger.LogInformation("Login {User} {Password} {apiKey}", "bob", "hunter2", "k-123456");
        }

        host.Provider.Write(Some.LogEntry("direct", properties: [new("X-ApiKey", "direct-secret"), new("Safe", "visible")]));
        await host.FlushAsync();

        var entries = sink.Entries;
        Assert.Equal(2, entries.Count);
        Assert.Equal("***", entries[0].GetProperty("Password"));
        Assert.Equal("***", entries[0].GetProperty("apiKey"));
        Assert.Equal("***", entries[0].GetProperty("DbPassword"));
        Assert.Equal("bob", entries[0].GetProperty("User"));
        Assert.Equal("***", entries[1].GetProperty("X-ApiKey"));
        Assert.Equal("visible", entries[1].GetProperty("Safe"));
        foreach (var entry in entries)
        {
            var line = Format(entry);
            Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
            Assert.DoesNotContain("k-123456", line, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Secrets_nested_inside_property_values_are_redacted()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        var request = new Dictionary<string, object?>
        {
            ["url"] = "https://example.test",
            ["headers"] = new Dictionary<string, object?> { ["Authorization"] = "Bearer abc.def", ["Accept"] = "json" },
            ["password"] = "hunter2",
        };
        provider.CreateLogger("Tests.Redaction").LogInformation("Request {@Request}", (object)request);
        await provider.FlushAsync(TestProvider.Token);

        var line = Format(Assert.Single(sink.Entries));
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def", line, StringComparison.Ordinal);
        Assert.Contains("example.test", line, StringComparison.Ordinal);
    }

    internal static string Format(LogEntry entry)
    {
        var output = new ArrayBufferWriter<byte>();
        new JsonLogFormatter().Write(entry, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    internal static JsonDocument FormatAndParse(LogEntry entry)
    {
        var output = new ArrayBufferWriter<byte>();
        new JsonLogFormatter().Write(entry, output);
        var bytes = output.WrittenSpan;
        Assert.True(bytes.Length > 1 && bytes[^1] == (byte)'\n', "an entry ends with one newline");
        Assert.Equal(-1, bytes[..^1].IndexOf((byte)'\n'));
        Assert.Equal(-1, bytes[..^1].IndexOf((byte)'\r'));
        return JsonDocument.Parse(bytes[..^1].ToArray());
    }

    private static void Prepare(PendingEntry pending, PipelineSettings settings)
    {
        pending.TimestampTicks = DateTime.UtcNow.Ticks;
        pending.Level = LogLevel.Information;
        pending.Category = settings.ResolveCategory("Tests.Json.Hostile");
    }

    private sealed class ThrowsOnToString
    {
        public override string ToString() => throw new InvalidOperationException("no");
    }

    private sealed class ThrowingState : IEnumerable<KeyValuePair<string, object?>>
    {
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => throw new InvalidOperationException("no");

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
