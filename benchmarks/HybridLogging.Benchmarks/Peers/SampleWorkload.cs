using System.Globalization;
using HybridLogging.Benchmarks.Common;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// The sample's vocabulary as a workload: simulated requests, each in its own correlation context (HybridLogging:
/// <c>CorrelationContext.Begin</c>; peers: <c>ILogger.BeginScope</c> with the same ids), each logging what
/// <c>samples/HybridRouter.Sample</c> logs for such a request. A fixed cycle of 20 requests repeats: 14 answered by the
/// primary (2 calls), one primary error (3 calls, with the exception), one that also opens the breaker (4), two routed
/// to the fallback while it is open (2 each), one half-open probe that closes it (4) and one that fails on every
/// provider (3, two exceptions): 46 calls per cycle, 7 of them Warning or above, 4 with an exception.
/// </summary>
/// <remarks>
/// Ids, users, sessions, latencies and exceptions are made before the timed run, so the calling thread's cost is the
/// logging and the request's scope, not the benchmark's own strings. Request ids are unique per thread and reused every
/// <see cref="IdsPerThread"/> requests; <see cref="Expected"/> says how many lines each id must have.
/// </remarks>
public sealed class SampleWorkload
{
    public const int IdsPerThread = 8192;
    private const string Primary = "bedrock";
    private const string Fallback = "openai-fallback";
    private const string Route = "route";

    private enum Call
    {
        Routed,
        RoutedToFallback,
        PrimaryFailed,
        Completed,
        AllFailed,
        Opened,
        HalfOpened,
        Closed,
        ProbeRouted,
        FallbackCompleted,
    }

    private static readonly Call[] Healthy = [Call.Routed, Call.Completed];

    private static readonly Call[][] Cycle =
    [
        Healthy, Healthy, Healthy, Healthy, Healthy, Healthy, Healthy,
        [Call.Routed, Call.PrimaryFailed, Call.FallbackCompleted],
        Healthy, Healthy, Healthy,
        [Call.Routed, Call.Opened, Call.PrimaryFailed, Call.FallbackCompleted],
        [Call.RoutedToFallback, Call.FallbackCompleted],
        [Call.RoutedToFallback, Call.FallbackCompleted],
        [Call.ProbeRouted, Call.HalfOpened, Call.Closed, Call.Completed],
        Healthy, Healthy,
        [Call.Routed, Call.PrimaryFailed, Call.AllFailed],
        Healthy, Healthy,
    ];

    private static readonly string[] Users = [.. Enumerable.Range(1, 8).Select(i => "user-" + i.ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] Sessions = [.. Enumerable.Range(0, 1024).Select(i => "session-" + i.ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] ErrorCodes = ["ThrottlingException", "ServiceUnavailableException", "ModelTimeoutException"];
    private static readonly double[] Latencies = [.. Enumerable.Range(0, 64).Select(i => Math.Round(60 + (i * 37 % 180) + (i % 10 / 10.0), 1))];
    private static readonly Exception[] PrimaryErrors = [.. ErrorCodes.Select((code, i) => ProviderException.Thrown(Primary, code, Latencies[i]))];
    private static readonly Exception[] FallbackErrors = [.. ErrorCodes.Select((code, i) => ProviderException.Thrown(Fallback, code, Latencies[i + 8]))];

    private readonly string[][] _ids;
    private readonly (int First, int Count)[] _slices;

    public SampleWorkload(int entries, int threads)
    {
        Entries = entries;
        _ids = new string[threads][];
        _slices = new (int, int)[threads];
        var perThread = entries / threads;
        for (var t = 0; t < threads; t++)
        {
            var first = t * perThread;
            _slices[t] = (first, t == threads - 1 ? entries - first : perThread);
            var prefix = "req-" + t.ToString(CultureInfo.InvariantCulture) + "-";
            _ids[t] = [.. Enumerable.Range(0, IdsPerThread).Select(k => prefix + k.ToString("D5", CultureInfo.InvariantCulture))];
        }
    }

    public int Entries { get; }

    /// <summary>Requests the workload runs (all threads).</summary>
    public long Requests => _slices.Sum(s => Walk(s.Count).LongCount());

    /// <summary>Logs thread <paramref name="thread"/>'s share of the entries, one request after another.</summary>
    public void Run(int thread, ILogger router, ILogger breaker, bool correlationContext)
    {
        foreach (var (r, calls) in Walk(_slices[thread].Count))
        {
            Request(thread, r, calls, router, breaker, correlationContext);
        }
    }

    /// <summary>Logs request <paramref name="request"/> of thread <paramref name="thread"/>'s cycle whole; returns its calls.</summary>
    public int RunRequest(int thread, int request, ILogger router, ILogger breaker, bool correlationContext)
    {
        var calls = Cycle[request % Cycle.Length];
        Request(thread, request, calls, router, breaker, correlationContext);
        return calls.Length;
    }

    private void Request(int thread, int r, ArraySegment<Call> calls, ILogger router, ILogger breaker, bool correlationContext)
    {
        var id = _ids[thread][r % IdsPerThread];
        var user = Users[r % Users.Length];
        var session = Sessions[r / 10 % Sessions.Length];
        if (correlationContext)
        {
            using var scope = CorrelationContext.Begin(requestId: id, userId: user, sessionId: session, operationType: Route);
            Emit(router, breaker, r, calls);
        }
        else
        {
            using var scope = router.BeginScope(new RequestScope(PeerCorrelationId(), id, user, session, Route));
            Emit(router, breaker, r, calls);
        }
    }

    /// <summary>
    /// The peers' correlation id: 32 hex digits from a fast random generator, as an ASP.NET Core app's activity gives
    /// them, the same kind of id <c>CorrelationContext.Begin</c> generates. Not <c>Guid.NewGuid</c>, which on Linux
    /// costs a system call per id (1.4 µs on the 2-core VM): that would slow the peers' requests by a cost that is not
    /// their logging's.
    /// </summary>
    private static string PeerCorrelationId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>
    /// Bytes one request's scope alone allocates on the calling thread (begin and end, no log call), measured on this
    /// thread, so the calling-thread column can be read with and without the application's own per-request cost.
    /// </summary>
    public static double ScopeBytesPerRequest(ILogger router, bool correlationContext)
    {
        const int Warmup = 2_000;
        const int Measured = 20_000;
        long before = 0;
        for (var i = 0; i < Warmup + Measured; i++)
        {
            if (i == Warmup)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            if (correlationContext)
            {
                using var scope = CorrelationContext.Begin(requestId: "req", userId: "user", sessionId: "session", operationType: Route);
            }
            else
            {
                using var scope = router.BeginScope(new RequestScope(PeerCorrelationId(), "req", "user", "session", Route));
            }
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Measured;
    }

    /// <summary>Lines each request id must have in a file that takes entries from <paramref name="minimum"/> up.</summary>
    public Dictionary<string, long> Expected(LogLevel minimum)
    {
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var t = 0; t < _slices.Length; t++)
        {
            foreach (var (r, calls) in Walk(_slices[t].Count))
            {
                var n = calls.Count(c => LevelOf(c) >= minimum);
                if (n > 0)
                {
                    var id = _ids[t][r % IdsPerThread];
                    expected[id] = expected.GetValueOrDefault(id) + n;
                }
            }
        }

        return expected;
    }

    /// <summary>The requests of one thread's share: request index and its calls (the last one cut to fit).</summary>
    private static IEnumerable<(int Request, ArraySegment<Call> Calls)> Walk(int count)
    {
        var remaining = count;
        for (var r = 0; remaining > 0; r++)
        {
            var calls = Cycle[r % Cycle.Length];
            var n = Math.Min(calls.Length, remaining);
            remaining -= n;
            yield return (r, new ArraySegment<Call>(calls, 0, n));
        }
    }

    private static void Emit(ILogger router, ILogger breaker, int r, ArraySegment<Call> calls)
    {
        var latency = Latencies[r % Latencies.Length];
        var duration = Latencies[(r + 17) % Latencies.Length] + 40;
        var error = r % ErrorCodes.Length;
        foreach (var call in calls)
        {
            switch (call)
            {
                case Call.Routed:
                    SampleLog.LogRouted(router, Primary, Fallback, "primary-healthy", Route);
                    break;
                case Call.ProbeRouted:
                    SampleLog.LogRouted(router, Primary, Fallback, "half-open-probe", Route);
                    break;
                case Call.RoutedToFallback:
                    SampleLog.LogRoutedToFallback(router, Fallback, Primary, "circuit-open", Route);
                    break;
                case Call.PrimaryFailed:
                    SampleLog.LogPrimaryFailed(router, PrimaryErrors[error], Primary, Fallback, "primary-error", ErrorCodes[error], latency);
                    break;
                case Call.Completed:
                    SampleLog.LogCompleted(router, Primary, latency, duration);
                    break;
                case Call.FallbackCompleted:
                    SampleLog.LogCompleted(router, Fallback, latency + 90, duration + 160);
                    break;
                case Call.AllFailed:
                    SampleLog.LogAllProvidersFailed(router, FallbackErrors[error], Fallback, "primary-error", ErrorCodes[error], duration + 300);
                    break;
                case Call.Opened:
                    SampleLog.LogOpened(breaker, Primary, 1500, ErrorCodes[error], "failure-ratio");
                    break;
                case Call.HalfOpened:
                    SampleLog.LogHalfOpened(breaker, Primary);
                    break;
                case Call.Closed:
                    SampleLog.LogClosed(breaker, Primary);
                    break;
            }
        }
    }

    private static LogLevel LevelOf(Call call) => call switch
    {
        Call.RoutedToFallback or Call.PrimaryFailed or Call.Opened => LogLevel.Warning,
        Call.AllFailed => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
