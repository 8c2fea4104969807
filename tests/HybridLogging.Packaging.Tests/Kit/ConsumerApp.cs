using System.Text.Json;

namespace HybridLogging.Packaging.Tests.Kit;

/// <summary>The consumer applications' source and the checks of the JSON lines they log.</summary>
internal static class ConsumerApp
{
    public const int OrderCount = 3;
    public const int FailureCount = 2;

    /// <summary>
    /// Program.cs: logs through AddHybridLogging with the destinations of appsettings.json, inside a correlation
    /// context, then prints each destination's counts. <paramref name="registration"/> is extra service registration;
    /// <paramref name="moreLogging"/> runs after the failures are logged (with <c>logger</c> in scope), and
    /// <paramref name="types"/> is declared after the program's statements.
    /// </summary>
    public static string Program(string registration = "", string moreLogging = "", string types = "") => $$"""
        using HybridLogging;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Logging;

        HybridSelfLog.Enable(message => Console.Error.WriteLine($"self-log: {message}"));
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddHybridLogging(); // destinations: Logging:HybridLogging:Sinks in appsettings.json
        {{registration}}
        using (var host = builder.Build())
        {
            var logger = host.Services.GetRequiredService<ILogger<Program>>();
            using (CorrelationContext.Begin(requestId: "req-42", userId: "user-7"))
            {
                for (var i = 1; i <= {{OrderCount}}; i++)
                {
                    logger.LogInformation("Order {OrderId} placed for {Amount} EUR", i, 12.5 * i);
                }
            }

            // A failure that repeats: two exceptions from one throw site. Their stack texts, as the runtime gives them,
            // go to files the test compares the logged ones with.
            Directory.CreateDirectory("logs");
            for (var attempt = 1; attempt <= {{FailureCount}}; attempt++)
            {
                var failure = Fail(attempt);
                File.WriteAllText($"logs/stack-{attempt}.txt", failure.StackTrace);
                logger.LogError(failure, "Provider {Provider} failed on attempt {Attempt}", "openai", attempt);
            }

            {{moreLogging}}

            logger.LogWarning("Consumer {Name} done", "packaging");
            var provider = host.Services.GetServices<ILoggerProvider>().OfType<HybridLoggerProvider>().Single();
            await provider.FlushAsync();
            foreach (var sink in provider.GetStats().Sinks)
            {
                Console.WriteLine($"sink {sink.Name}: written {sink.Written}, failed {sink.Failed}, dropped {sink.Dropped} {sink.LastError}");
            }
        }

        Console.WriteLine("consumer done");

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static Exception Fail(int attempt)
        {
            try
            {
                throw new InvalidOperationException($"provider timed out ({attempt})");
            }
            catch (InvalidOperationException ex)
            {
                return ex;
            }
        }

        {{types}}
        """;

    /// <summary>appsettings.json with the given destinations (JSON members of <c>Sinks</c>).</summary>
    public static string Settings(string sinks) => $$"""
        {
          "Logging": {
            "LogLevel": { "Default": "Information", "Microsoft": "Warning" },
            "HybridLogging": {
              "FlushInterval": "00:00:00.200",
              "Metadata": { "service": "packaging-consumer" },
              "Sinks": { {{sinks}} }
            }
          }
        }
        """;

    /// <summary>
    /// Checks the lines one run of <see cref="Program"/> logged, every field a user relies on; <paramref name="appFolder"/>
    /// holds the stack texts it wrote, and <paramref name="moreLines"/> lines came from its <c>moreLogging</c>.
    /// </summary>
    public static void AssertLogged(IReadOnlyList<string> lines, string where, string appFolder, int moreLines = 0)
    {
        var expectedCount = OrderCount + FailureCount + 1 + moreLines;
        Assert.True(lines.Count == expectedCount, $"{where}: expected {expectedCount} lines, got {lines.Count}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        for (var i = 1; i <= OrderCount; i++)
        {
            var entry = entries.Single(e => e.GetProperty("message").GetString() == $"Order {i} placed for {12.5 * i} EUR");
            Assert.Equal("INFO", entry.GetProperty("level").GetString());
            Assert.Equal("Program", entry.GetProperty("category").GetString());
            Assert.Equal("Program", entry.GetProperty("source").GetString());
            Assert.Equal("req-42", entry.GetProperty("requestId").GetString());
            Assert.Equal("user-7", entry.GetProperty("userId").GetString());
            Assert.Equal(i, entry.GetProperty("properties").GetProperty("OrderId").GetInt32());
            Assert.Equal(12.5 * i, entry.GetProperty("properties").GetProperty("Amount").GetDouble());
            Assert.Equal("packaging-consumer", entry.GetProperty("metadata").GetProperty("service").GetString());
            Assert.True(entry.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        }

        for (var attempt = 1; attempt <= FailureCount; attempt++)
        {
            var entry = entries.Single(e => e.GetProperty("message").GetString() == $"Provider openai failed on attempt {attempt}");
            Assert.Equal("ERROR", entry.GetProperty("level").GetString());
            var error = entry.GetProperty("error");
            Assert.Equal("System.InvalidOperationException", error.GetProperty("type").GetString());
            Assert.Equal($"provider timed out ({attempt})", error.GetProperty("message").GetString());
            var expected = File.ReadAllText(Path.Combine(appFolder, "logs", $"stack-{attempt}.txt"));
            Assert.Contains("Fail", expected, StringComparison.Ordinal);
            Assert.Equal(expected, error.GetProperty("stackTrace").GetString()); // the repeated failure's text, shared or not
        }

        var last = entries.Single(e => e.GetProperty("message").GetString() == "Consumer packaging done");
        Assert.Equal("WARN", last.GetProperty("level").GetString());
        Assert.False(last.TryGetProperty("requestId", out _), "an entry outside the correlation context carries its ids");
    }

    public static List<string> ReadLines(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        return [.. File.ReadAllLines(path).Where(line => line.Length > 0)];
    }
}
