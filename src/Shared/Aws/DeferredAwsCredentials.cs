using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace HybridLogging.Aws;

/// <summary>
/// The standard credential chain (environment, shared profile, web identity, container and instance metadata) resolved on
/// the first request instead of at startup: looking up instance metadata can take seconds, and the first request runs on
/// the sink's worker, not on the thread that builds the host. A failed lookup is not cached, so the next attempt tries
/// again; it surfaces as an <see cref="AwsServiceException"/> with <see cref="AwsServiceException.CredentialsErrorCode"/>.
/// </summary>
internal sealed class DeferredAwsCredentials : AWSCredentials
{
    private readonly Lazy<AWSCredentials> _chain = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null), LazyThreadSafetyMode.PublicationOnly);

    public override ImmutableCredentials GetCredentials()
    {
        try
        {
            return _chain.Value.GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw CredentialsError(ex);
        }
    }

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        try
        {
            return await _chain.Value.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw CredentialsError(ex);
        }
    }

    // The SDK's message lists which providers were tried and why each failed; it names no secret.
    private static AwsServiceException CredentialsError(AmazonClientException ex) =>
        new(AwsServiceException.CredentialsErrorCode, 0, "No AWS credentials were found by the standard chain. " + ex.Message, ex);

    public override string ToString() => "AWS credentials (standard chain)";
}
