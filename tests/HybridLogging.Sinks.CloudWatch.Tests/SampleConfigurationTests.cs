using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>
/// The sample's appsettings.json sends errors to CloudWatch Logs by configuration alone once its destination is switched
/// on. Runs alone: it sets the process's AWS credential variables for the standard chain.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class SampleConfigurationTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sample_settings_send_errors_and_only_errors_when_the_destination_is_switched_on()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "HybridLogging.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        await using var emulator = await CloudWatchLogsEmulator.StartAsync();
        using var reader = new LogsReader(emulator);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", CloudWatchLogsEmulator.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", CloudWatchLogsEmulator.SecretKey);
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(root, "samples", "HybridRouter.Sample", "appsettings.json"))
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    // What an operator sets (environment variables in production): on, region, and here the emulator.
                    ["Logging:HybridLogging:Sinks:cloudwatch:Enabled"] = "true",
                    ["Logging:HybridLogging:Sinks:cloudwatch:Region"] = CloudWatchLogsEmulator.Region,
                    ["Logging:HybridLogging:Sinks:cloudwatch:ServiceUrl"] = emulator.Url.ToString(),
                    ["Logging:HybridLogging:Sinks:files:Enabled"] = "false",
                }).Build();
            Assert.Equal("False", new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "samples", "HybridRouter.Sample", "appsettings.json")).Build()["Logging:HybridLogging:Sinks:cloudwatch:Enabled"]);
            var services = new ServiceCollection();
            services.AddLogging(logging =>
            {
                logging.AddConfiguration(configuration.GetSection("Logging"));
                logging.AddHybridLogging();
            });
            await using (var provider = services.BuildServiceProvider())
            {
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("HybridRouter.Sample.HybridRouter");
                logger.LogWarning("Primary slow");
                logger.LogError("Primary {Provider} failed", "bedrock");
                await provider.GetServices<ILoggerProvider>().OfType<HybridLoggerProvider>().Single().FlushAsync(Ct);
            }

            var events = await reader.AllEventsAsync("/hybrid-router-sample/errors", Ct);
            Assert.Contains("Primary bedrock failed", Assert.Single(events).Message, StringComparison.Ordinal);
            Assert.Equal(14, (await reader.GroupAsync("/hybrid-router-sample/errors", Ct))!.RetentionInDays);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }
}
