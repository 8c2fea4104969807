using System.Net;
using HybridLogging.Aws;

namespace HybridLogging.Sinks.Kinesis.Internal.Api;

/// <summary>How the sink treats a whole-request error.</summary>
internal enum KinesisErrorKind
{
    /// <summary>Throttling, limits, 5xx, no response: send again after backoff.</summary>
    Transient,

    /// <summary>The stream does not exist (yet) or is not active: report, send again after backoff.</summary>
    StreamNotFound,

    /// <summary>Credentials, signature, permissions or the stream's KMS key: report, send again after backoff.</summary>
    Access,

    /// <summary>The request itself is invalid (a record the stream refuses): isolate the records at fault.</summary>
    InvalidRequest,
}

/// <summary>Classification of Kinesis error codes (PutRecords API reference and the common AWS errors).</summary>
internal static class KinesisErrors
{
    public const string ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException";
    public const string InternalFailure = "InternalFailure";

    public static KinesisErrorKind Classify(AwsServiceException error) => error.ErrorCode switch
    {
        "ResourceNotFoundException" or "ResourceInUseException" => KinesisErrorKind.StreamNotFound,
        // KMS problems of the stream's key are not credential errors, but like them need an operator, not a retry loop.
        "KMSNotFoundException" or "KMSInvalidStateException" or "KMSOptInRequired" => KinesisErrorKind.Access,
        "InvalidArgumentException" or "ValidationException" or "SerializationException" or "RequestEntityTooLarge"
            => KinesisErrorKind.InvalidRequest,
        _ when error.StatusCode == HttpStatusCode.RequestEntityTooLarge => KinesisErrorKind.InvalidRequest,
        _ when error.IsAuthError && !error.IsRetryable => KinesisErrorKind.Access,
        // Throttling (ProvisionedThroughputExceededException, LimitExceededException, KMSThrottlingException),
        // InternalFailure, ServiceUnavailable, any 5xx, transport failures and anything unknown: try again later.
        _ => KinesisErrorKind.Transient,
    };

    /// <summary>The fixed reason code under which an entry of a record with a per-record error is retried.</summary>
    public static string RecordRetryReason(string errorCode) => errorCode switch
    {
        ProvisionedThroughputExceeded => "throttled",
        InternalFailure => "internalFailure",
        _ => "recordError",
    };
}
