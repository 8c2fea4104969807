namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// The key and token an object is written under: every retry of the object keeps both, so a retry after a lost
/// response meets its own earlier object (412, and the token proves it ours) instead of storing a second copy.
/// </summary>
internal sealed record ObjectAttempt(string Key, string Token);
