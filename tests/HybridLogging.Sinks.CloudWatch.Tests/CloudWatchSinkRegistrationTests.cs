using HybridLogging.Sinks.CloudWatch.Internal;
using HybridLogging.Sinks.CloudWatch.Tests.Emulator;
using HybridLogging.Sinks.CloudWatch.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridLogging.Sinks.CloudWatch.Tests;

/// <summary>Configuration binding, registration methods and option validation.</summary>
public sealed class CloudWatchSinkRegistrationTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Factory_binds_the_destination_section_onto_the_options()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Type"] = "CloudWatch",
            ["LogGroupName"] = "/my/service",
            ["LogStreamNameTemplate"] = "{machine}-{processId}-{date}",
            ["StreamPerSource"] = "true",
            ["Environment"] = "staging",
            ["CreateLogGroup"] = "false",
            ["CreateLogStream"] = "false",
            ["RetentionDays"] = "14",
            ["Region"] = "eu-west-1",
            ["ServiceUrl"] = "http://127.0.0.1:9/",
            ["MaxEventSizeBytes"] = "262118",
            ["MaxEventsPerRequest"] = "500",
            ["MaxRequestBytes"] = "524288",
            ["MaxConcurrentRequests"] = "2",
            ["RequestTimeout"] = "00:00:05",
        }).Build();
        var factory = new CloudWatchSinkFactory();

        var sink = Assert.IsType<CloudWatchLogsSink>(factory.Create(new LogSinkContext("cloud", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Equal("CloudWatch", factory.Type);
        var options = sink.Options;
        Assert.Equal("/my/service", options.LogGroupName);
        Assert.Equal("{machine}-{processId}-{date}", options.LogStreamNameTemplate);
        Assert.True(options.StreamPerSource);
        Assert.Equal("staging", options.Environment);
        Assert.False(options.CreateLogGroup);
        Assert.False(options.CreateLogStream);
        Assert.Equal(14, options.RetentionDays);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(262_118, options.MaxEventSizeBytes);
        Assert.Equal(500, options.MaxEventsPerRequest);
        Assert.Equal(524_288, options.MaxRequestBytes);
        Assert.Equal(2, options.MaxConcurrentRequests);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Null(options.Credentials);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), sink.Endpoint);
    }

    [Fact]
    public void Without_service_url_the_regional_endpoint_is_used()
    {
        var sink = CloudWatchLogsSink.Create("cloud", new CloudWatchSinkOptions { Region = "eu-central-1" });

        Assert.Equal(new Uri("https://logs.eu-central-1.amazonaws.com/"), sink.Endpoint);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_one_clear_message_each()
    {
        var options = new CloudWatchSinkOptions
        {
            LogGroupName = "bad group!",
            LogStreamNameTemplate = "{host}:{date}",
            RetentionDays = 2,
            MaxEventSizeBytes = 10,
            MaxEventsPerRequest = 10_001,
            MaxRequestBytes = 2_000_000,
            MaxConcurrentRequests = 0,
            ServiceUrl = "not a url",
        };

        var error = Assert.Throws<OptionsValidationException>(() => new HybridLoggingOptions().AddCloudWatch("audit", o =>
        {
            o.LogGroupName = options.LogGroupName;
            o.LogStreamNameTemplate = options.LogStreamNameTemplate;
            o.RetentionDays = options.RetentionDays;
            o.MaxEventSizeBytes = options.MaxEventSizeBytes;
            o.MaxEventsPerRequest = options.MaxEventsPerRequest;
            o.MaxRequestBytes = options.MaxRequestBytes;
            o.MaxConcurrentRequests = options.MaxConcurrentRequests;
            o.ServiceUrl = options.ServiceUrl;
        }));

        var failures = error.Failures.ToList();
        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("CloudWatch sink 'audit': LogGroupName may contain only", StringComparison.Ordinal) && f.Contains("' '", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("unknown token '{host}'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RetentionDays must be one of 1, 3, 5, 7, 14, 30", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ServiceUrl must be an absolute http or https URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Factory_validates_a_section_without_opening_anything()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogGroupName"] = "no spaces allowed",
            ["RetentionDays"] = "8",
        }).Build();

        var errors = new CloudWatchSinkFactory().Validate(new LogSinkContext("cloud", configuration, new ServiceCollection().BuildServiceProvider()));

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("CloudWatch sink 'cloud': ", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "is required.")]
    [InlineData("a:b", "must not contain ':' or '*'")]
    [InlineData("a*{date}", "must not contain ':' or '*'")]
    [InlineData("{date", "without '}'")]
    public void Stream_templates_that_cannot_give_a_valid_name_are_refused(string template, string expected)
    {
        var errors = new CloudWatchSinkOptions { LogStreamNameTemplate = template }.Validate("x");

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Group_names_follow_the_service_rules()
    {
        Assert.Empty(new CloudWatchSinkOptions { LogGroupName = "/aws/lambda/My_Func-1.0#x" }.Validate("x"));
        Assert.Single(new CloudWatchSinkOptions { LogGroupName = new string('a', 513) }.Validate("x"));
        Assert.Empty(new CloudWatchSinkOptions { LogGroupName = new string('a', 512) }.Validate("x"));
    }

    [Fact]
    public void A_missing_region_is_a_configuration_error_naming_the_setting()
    {
        // Holds only where no region is configured for the process (none is on the test machines and CI).
        Assert.Null(Environment.GetEnvironmentVariable("AWS_REGION"));
        Assert.Null(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

        var error = Assert.Throws<InvalidOperationException>(() => CloudWatchLogsSink.Create("cloud", new CloudWatchSinkOptions()));

        Assert.Contains("Region (CloudWatch sink 'cloud')", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_and_sink_never_print_credentials()
    {
        var options = Emulated.Options(new Uri("http://127.0.0.1:9/"));
        var sink = CloudWatchLogsSink.Create("cloud", options);

        Assert.DoesNotContain(CloudWatchLogsEmulator.SecretKey, sink.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(CloudWatchLogsEmulator.SecretKey, options.ToString()!, StringComparison.Ordinal);
        Assert.DoesNotContain(CloudWatchLogsEmulator.SecretKey, HybridLogging.Aws.AwsEnvironment.ResolveCredentials(null).ToString()!, StringComparison.Ordinal);
    }
}
