using Amazon.Runtime;

namespace HybridLogging.Aws;

/// <summary>
/// Where and as whom an AWS sink connects. Built by each sink from its options; nothing here is printed: there is no
/// <see cref="object.ToString"/> override that could show <see cref="Credentials"/>, and the type is never logged.
/// </summary>
internal sealed class AwsConnectionSettings
{
    /// <summary>Region system name (for example <c>eu-west-1</c>); null resolves through the SDK's fallback chain.</summary>
    public string? Region { get; init; }

    /// <summary>Endpoint that replaces the regional one (a compatible service or an emulator); null for the AWS endpoint.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>Explicit credentials (tests, or an application that has its own); null uses the standard chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// Creates the handler that sends the signed requests (for example <c>IHttpMessageHandlerFactory.CreateHandler</c>);
    /// null uses a <see cref="SocketsHttpHandler"/>. It must not follow redirects: a followed redirect is not re-signed.
    /// </summary>
    public Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>Longest time one HTTP request may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The option names shown in configuration errors (for example <c>Region</c> of the <c>CloudWatch</c> sink).</summary>
    public string RegionSettingName { get; init; } = "Region";
}
