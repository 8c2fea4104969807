namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>Why an object was given up: the short reason its records fail under, and the error behind it (if any).</summary>
internal sealed record ObjectFailure(string Reason, Exception? Exception);
