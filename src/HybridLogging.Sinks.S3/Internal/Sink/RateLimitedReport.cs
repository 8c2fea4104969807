namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>Sends a sink's failure messages to the self-log at most once per interval, saying how many were held back.</summary>
internal sealed class RateLimitedReport(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private long _lastTimestamp = long.MinValue;
    private int _suppressed;

    public void Report(string message)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_lastTimestamp != long.MinValue && time.GetElapsedTime(_lastTimestamp, now) < interval)
            {
                _suppressed++;
                return;
            }

            _lastTimestamp = now;
            var suppressed = _suppressed;
            _suppressed = 0;
            HybridSelfLog.Report(suppressed > 0 ? $"{message} ({suppressed} similar messages held back)" : message);
        }
    }
}
