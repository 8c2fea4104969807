using HybridLogging.Sinks.CloudWatch.Internal;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>Configuration-declared destination with credentials from the standard chain. Runs alone: it sets the process's AWS credential variables.</summary>
[Collection(SelfLogCollection.Name)]
public sealed class CloudWatchConfigurationChainTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Destination_declared_in_appsettings_sends_entries_with_credentials_from_the_standard_chain()
    {
        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var reader = new LogsReader(emulator);
        // The standard chain's first provider: environment variables (process-wide; only this test sets them).
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", CloudWatchLogsEmulator.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", CloudWatchLogsEmulator.SecretKey);
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:HybridLogging:FlushInterval"] = "00:00:00.050",
                ["Logging:HybridLogging:Sinks:cloud:Type"] = "CloudWatch",
                ["Logging:HybridLogging:Sinks:cloud:LogGroupName"] = "/from/config",
                ["Logging:HybridLogging:Sinks:cloud:LogStreamNameTemplate"] = "config-{source}",
                ["Logging:HybridLogging:Sinks:cloud:StreamPerSource"] = "true",
                ["Logging:HybridLogging:Sinks:cloud:Region"] = CloudWatchLogsEmulator.Region,
                ["Logging:HybridLogging:Sinks:cloud:ServiceUrl"] = emulator.Url.ToString(),
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(logging =>
            {
                logging.AddConfiguration(configuration.GetSection("Logging"));
                logging.AddHybridLogging();
            });
            await using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("App.Payments").LogError("Payment {Id} failed", 42);
                var hybrid = provider.GetServices<ILoggerProvider>().OfType<HybridLoggerProvider>().Single();
                await hybrid.FlushAsync(Ct);
            }

            var events = await reader.EventsAsync("/from/config", "config-Payments", Ct);
            Assert.Contains("Payment 42 failed", Assert.Single(events).Message, StringComparison.Ordinal);
            Assert.Equal(0, emulator.SignatureFailures);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }
}
