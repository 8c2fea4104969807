using Amazon.Runtime;
using HybridLogging.Aws;
using HybridLogging.Sinks.Kinesis.Internal.Api;

namespace HybridLogging.Sinks.Kinesis.Internal;

/// <summary>Wires a <see cref="KinesisSink"/> to the HTTP client for its region and endpoint.</summary>
internal static class KinesisSinkBuilder
{
    /// <summary>Creates a sink on the standard credential chain (or <paramref name="credentials"/>, for tests).</summary>
    public static KinesisSink Create(
        string name, KinesisSinkOptions options, AWSCredentials? credentials = null, Func<HttpMessageHandler>? httpHandlerFactory = null)
    {
        var api = new KinesisHttpApi(new AwsConnectionSettings
        {
            Region = options.Region,
            ServiceUrl = options.ServiceUrl,
            Credentials = credentials,
            HttpHandlerFactory = httpHandlerFactory,
            RegionSettingName = $"Region of the Kinesis sink '{name}'",
        });
        return new KinesisSink(name, options, api);
    }
}
