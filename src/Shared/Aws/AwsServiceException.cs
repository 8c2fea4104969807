using System.Net;

namespace HybridLogging.Aws;

/// <summary>
/// A failed AWS call: the service's error code (the part of <c>__type</c> after <c>#</c>, or a transport code), the HTTP
/// status (0 when no response arrived) and whether trying again later can succeed.
/// </summary>
/// <remarks>
/// The message holds the service's own message and never a credential: requests are signed below the client, and no
/// header or signature is copied into the exception.
/// </remarks>
internal sealed class AwsServiceException : Exception
{
    /// <summary>The code used when no HTTP response arrived (connection refused or reset, timeout).</summary>
    public const string TransportErrorCode = "TransportError";

    /// <summary>The code used when credentials could not be resolved from the standard chain.</summary>
    public const string CredentialsErrorCode = "CredentialsNotFound";

    public AwsServiceException(string errorCode, HttpStatusCode statusCode, string? serviceMessage, Exception? innerException = null)
        : base(BuildMessage(errorCode, statusCode, serviceMessage), innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
        ServiceMessage = serviceMessage;
        IsRetryable = AwsErrorCodes.IsRetryable(errorCode, statusCode);
        IsThrottling = AwsErrorCodes.IsThrottling(errorCode, statusCode);
        IsAuthError = AwsErrorCodes.IsAuthError(errorCode, statusCode);
    }

    /// <summary>The AWS error code, for example <c>ThrottlingException</c> or <c>ResourceNotFoundException</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status of the response, or 0 when none arrived.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The service's message, if it sent one.</summary>
    public string? ServiceMessage { get; }

    /// <summary>Whether the same request may succeed later (throttling, 5xx, transport failures).</summary>
    public bool IsRetryable { get; }

    /// <summary>Whether the service asked the caller to slow down.</summary>
    public bool IsThrottling { get; }

    /// <summary>Whether the credentials were missing, wrong, expired or not allowed to make the call.</summary>
    public bool IsAuthError { get; }

    private static string BuildMessage(string errorCode, HttpStatusCode statusCode, string? serviceMessage)
    {
        var status = statusCode == 0 ? "no response" : $"HTTP {(int)statusCode}";
        return string.IsNullOrEmpty(serviceMessage)
            ? $"AWS request failed: {errorCode} ({status})."
            : $"AWS request failed: {errorCode} ({status}): {serviceMessage}";
    }
}
