using Amazon.Runtime;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;

namespace HybridLogging.Sinks.CloudWatch.Tests.Kit;

/// <summary>Sinks and clients pointed at an emulator, with the emulator's known credentials.</summary>
internal static class Emulated
{
    public static BasicAWSCredentials Credentials { get; } = new(CloudWatchLogsEmulator.AccessKey, CloudWatchLogsEmulator.SecretKey);

    public static CloudWatchSinkOptions Options(CloudWatchLogsEmulator emulator, string group = "/tests/app") => Options(emulator.Url, group);

    public static CloudWatchSinkOptions Options(Uri url, string group = "/tests/app") => new()
    {
        LogGroupName = group,
        LogStreamNameTemplate = "{environment}-{source}-{date}",
        Environment = "test",
        SourceName = "app",
        Region = CloudWatchLogsEmulator.Region,
        ServiceUrl = url.ToString(),
        Credentials = Credentials,
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    public static CloudWatchLogsSink Sink(CloudWatchLogsEmulator emulator, Action<CloudWatchSinkOptions>? configure = null)
    {
        var options = Options(emulator);
        configure?.Invoke(options);
        Assert.Empty(options.Validate("test"));
        return CloudWatchLogsSink.Create("test", options);
    }

    public static AwsConnectionSettings Connection(CloudWatchLogsEmulator emulator, string? secret = null) => new()
    {
        Region = CloudWatchLogsEmulator.Region,
        ServiceUrl = emulator.Url.ToString(),
        Credentials = secret is null ? Credentials : new BasicAWSCredentials(CloudWatchLogsEmulator.AccessKey, secret),
    };
}
