namespace HybridLogging.Benchmarks.Common;

/// <summary>Stand-in for the sample's <c>ProviderException</c>: what a failed provider call throws.</summary>
public sealed class ProviderException : Exception
{
    public ProviderException(string provider, string errorCode, double latencyMs)
        : base($"{provider} failed with {errorCode} after {latencyMs:0.#} ms")
    {
        ErrorCode = errorCode;
    }

    public ProviderException()
        : this("unknown", "Unknown", 0)
    {
    }

    public ProviderException(string message)
        : base(message)
    {
        ErrorCode = "Unknown";
    }

    public ProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = "Unknown";
    }

    public string ErrorCode { get; }

    /// <summary>An exception as the sample logs it: thrown and caught once, so it carries a stack trace.</summary>
    public static ProviderException Thrown(string provider, string errorCode, double latencyMs)
    {
        try
        {
            throw new ProviderException(provider, errorCode, latencyMs);
        }
        catch (ProviderException ex)
        {
            return ex;
        }
    }
}
