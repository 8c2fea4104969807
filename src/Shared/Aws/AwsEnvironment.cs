using Amazon;
using Amazon.Runtime;

namespace HybridLogging.Aws;

/// <summary>Region, endpoint and credential resolution on AWSSDK.Core's public APIs.</summary>
internal static class AwsEnvironment
{
    /// <summary>
    /// The configured region, else the SDK's fallback chain (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the shared
    /// profile, instance metadata). Throws <see cref="InvalidOperationException"/> naming <paramref name="settingName"/>
    /// when neither gives one.
    /// </summary>
    public static RegionEndpoint ResolveRegion(string? configured, string settingName)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return RegionEndpoint.GetBySystemName(configured.Trim());
        }

        RegionEndpoint? fallback;
        try
        {
            fallback = FallbackRegionFactory.GetRegionEndpoint();
        }
        catch (AmazonClientException)
        {
            fallback = null;
        }

        return fallback ?? throw new InvalidOperationException(
            $"No AWS region is configured: set '{settingName}' on the sink, or AWS_REGION in the environment, or a region in the shared AWS profile.");
    }

    /// <summary>The service URL when set, else <c>https://{endpointPrefix}.{region}.{partition DNS suffix}</c>.</summary>
    public static Uri ResolveEndpoint(string? serviceUrl, RegionEndpoint region, string endpointPrefix)
    {
        if (!string.IsNullOrWhiteSpace(serviceUrl))
        {
            if (!Uri.TryCreate(serviceUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"ServiceUrl '{serviceUrl}' is not an absolute http or https URL.");
            }

            return uri;
        }

        var suffix = string.IsNullOrEmpty(region.PartitionDnsSuffix) ? "amazonaws.com" : region.PartitionDnsSuffix;
        return new Uri($"https://{endpointPrefix}.{region.SystemName}.{suffix}/");
    }

    /// <summary>The explicit credentials, else the standard chain, resolved on first use (see <see cref="DeferredAwsCredentials"/>).</summary>
    public static AWSCredentials ResolveCredentials(AWSCredentials? configured) => configured ?? new DeferredAwsCredentials();
}
