using Amazon;
using Amazon.S3;

namespace HybridLogging.Sinks.S3.Internal.Upload;

/// <summary>Builds the sink's own S3 client when the application registered none.</summary>
internal static class S3ClientFactory
{
    /// <summary>
    /// A client on the SDK's default credential chain (environment, profile, SSO, container and instance roles); the
    /// region comes from <see cref="S3SinkOptions.Region"/> or the SDK's region chain. Credentials are resolved on the
    /// first request, so a missing credential fails a write (retried, reported) rather than the application's start.
    /// </summary>
    public static AmazonS3Client Create(S3SinkOptions options)
    {
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            // A compatible server still needs a signing region; most accept any, us-east-1 is the convention.
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonS3Client(config);
    }
}
