namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>
/// The sink's self-log messages, each under a fixed kind (<c>cloudwatch:{sink}:{problem}</c>) so the self-log's own
/// rate limit collapses repeats of a failing service into one line and a count.
/// </summary>
internal sealed class SinkReporter(string sinkName)
{
    public void Report(string problem, string message) =>
        HybridSelfLog.Report($"cloudwatch:{sinkName}:{problem}", $"CloudWatch sink '{sinkName}': {message}");
}
