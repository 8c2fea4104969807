namespace HybridRouter.Sample;

/// <summary>A simulated provider call failed.</summary>
public sealed class ProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderException(string provider, string errorCode, double latencyMs)
        : base($"{provider} failed with {errorCode} after {latencyMs:0.#} ms")
    {
        Provider = provider;
        ErrorCode = errorCode;
        LatencyMs = latencyMs;
    }

    /// <summary>Creates the exception.</summary>
    public ProviderException()
        : this("unknown", "Unknown", 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProviderException(string message)
        : base(message)
    {
        Provider = "unknown";
        ErrorCode = "Unknown";
    }

    /// <summary>Creates the exception.</summary>
    public ProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
        Provider = "unknown";
        ErrorCode = "Unknown";
    }

    /// <summary>The provider that failed.</summary>
    public string Provider { get; }

    /// <summary>The provider's error code (for example <c>ThrottlingException</c>).</summary>
    public string ErrorCode { get; }

    /// <summary>How long the failed call took.</summary>
    public double LatencyMs { get; }
}
