namespace HybridLogging.Sinks.Kinesis.Internal.Diagnostics;

/// <summary>
/// Sends a problem to <see cref="HybridSelfLog"/> at most once per interval per kind (a missing stream would otherwise be
/// reported on every retry), with the number of repeats held back since the last report.
/// </summary>
internal sealed class ReportLimiter(TimeProvider clock, TimeSpan interval)
{
    private readonly Dictionary<string, (long LastTimestamp, int Suppressed)> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Reports <paramref name="message"/> unless a problem of the same kind was reported within the interval.</summary>
    /// <returns>Whether it was reported.</returns>
    public bool Report(string kind, string message)
    {
        var now = clock.GetTimestamp();
        int suppressed;
        lock (_gate)
        {
            if (_last.TryGetValue(kind, out var last) && clock.GetElapsedTime(last.LastTimestamp, now) < interval)
            {
                _last[kind] = (last.LastTimestamp, last.Suppressed + 1);
                return false;
            }

            suppressed = last.Suppressed;
            _last[kind] = (now, 0);
        }

        HybridSelfLog.Report(suppressed == 0 ? message : $"{message} ({suppressed} similar reports held back since the last one.)");
        return true;
    }
}
