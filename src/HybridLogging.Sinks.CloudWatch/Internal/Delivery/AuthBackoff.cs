using HybridLogging.Aws;

namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>
/// After an authentication or access error, later batches wait (1 s, doubling, at most 10 s: under the default 30 s
/// write timeout) before calling again, so wrong credentials do not spin; reported once per episode through the
/// self-log, and once more when calls succeed again.
/// </summary>
internal sealed class AuthBackoff(TimeProvider time, SinkReporter reporter)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private int _failures;
    private long _until;
    private bool _reported;

    public int ConsecutiveFailures
    {
        get
        {
            lock (_lock)
            {
                return _failures;
            }
        }
    }

    public TimeSpan Remaining
    {
        get
        {
            lock (_lock)
            {
                if (_failures == 0)
                {
                    return TimeSpan.Zero;
                }

                var remaining = TimeSpan.FromTicks(_until - time.GetUtcNow().UtcTicks);
                return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            }
        }
    }

    public void OnFailure(AwsServiceException error)
    {
        bool report;
        lock (_lock)
        {
            _failures++;
            var delay = TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(_failures - 1, 10))));
            _until = time.GetUtcNow().UtcTicks + delay.Ticks;
            report = !_reported;
            _reported = true;
        }

        if (report)
        {
            reporter.Report("auth", $"AWS refused the credentials or the call ({error.ErrorCode}, HTTP {(int)error.StatusCode}): {error.ServiceMessage ?? error.Message} " +
                "Check the credential chain (environment, profile, role) and that the identity may call logs:PutLogEvents, logs:CreateLogStream and logs:CreateLogGroup. " +
                "Entries are retried with backoff; this is reported once until calls succeed.");
        }
    }

    public void OnSuccess()
    {
        bool recovered;
        lock (_lock)
        {
            recovered = _reported;
            _failures = 0;
            _reported = false;
        }

        if (recovered)
        {
            reporter.Report("auth-recovered", "calls are accepted again after authentication errors.");
        }
    }
}
