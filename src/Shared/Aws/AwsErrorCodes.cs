using System.Net;

namespace HybridLogging.Aws;

/// <summary>
/// Classifies AWS error codes. Matched as strings because services return codes their API models do not list (CloudWatch
/// Logs answers <c>ThrottlingException</c>), and the SDK's own retry tables are in <c>Amazon.Runtime.Internal</c>.
/// </summary>
internal static class AwsErrorCodes
{
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException", "RequestThrottled",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "KMSThrottlingException", "TransactionInProgressException",
    };

    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "InternalServerError",
        "InternalFailureException", "InternalError", "RequestTimeout", "RequestTimeoutException",
        "OperationAbortedException", AwsServiceException.TransportErrorCode,
    };

    private static readonly HashSet<string> Auth = new(StringComparer.Ordinal)
    {
        "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
        "SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
        "RequestExpired", "AuthFailure", "NotAuthorized", "KMSAccessDeniedException", "KMSDisabledException",
        AwsServiceException.CredentialsErrorCode,
    };

    /// <summary>Throttling codes, and HTTP 429.</summary>
    public static bool IsThrottling(string errorCode, HttpStatusCode status) =>
        Throttling.Contains(errorCode) || status == HttpStatusCode.TooManyRequests;

    /// <summary>Throttling, transient service errors, any 5xx and transport failures.</summary>
    public static bool IsRetryable(string errorCode, HttpStatusCode status) =>
        IsThrottling(errorCode, status) || Transient.Contains(errorCode) || (int)status >= 500;

    /// <summary>Missing, invalid or expired credentials, and access denied (HTTP 401/403 too).</summary>
    public static bool IsAuthError(string errorCode, HttpStatusCode status) =>
        Auth.Contains(errorCode) || status is HttpStatusCode.Unauthorized || (status is HttpStatusCode.Forbidden && !Throttling.Contains(errorCode));
}
