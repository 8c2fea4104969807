using System.Globalization;

namespace HybridLogging.Internal;

/// <summary>
/// Rate limit of the self-log: the first message of a kind in a window is passed on at once; repeats of that kind
/// within the window are only counted, and when the window ends one summary line carries the count
/// (<c>... [and 209 more like this since 2026-11-30T23:01:02.0000000+00:00]</c>).
/// </summary>
/// <remarks>
/// A kind is the message with every run of digits masked (so "3 entries failed" and "100 entries failed" are one kind)
/// unless the caller names it. While a kind keeps repeating, each window ends in one summary and the next window
/// starts counting, so a steady failure costs one line per window instead of one per occurrence; a kind whose window
/// ends without repeats is forgotten. The table of kinds is bounded: when it is full, messages of kinds not in it share
/// one overflow kind. Pending summaries are written when their window ends (a timer that runs only while summaries are
/// pending), when the same kind is reported after its window, and on <see cref="Flush"/>.
/// Hand-written because nothing in Microsoft.Extensions.* rate-limits diagnostics text (System.Threading.RateLimiting
/// limits permits, it neither keys by message nor counts what it refused).
/// </remarks>
internal sealed class SelfLogThrottle
{
    /// <summary>Default length of a window.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(30);

    /// <summary>Default number of kinds tracked at once.</summary>
    public const int DefaultMaxKinds = 128;

    /// <summary>Longest key kept; longer messages are keyed by their masked prefix.</summary>
    internal const int MaxKeyLength = 512;

    internal const string OverflowKind = "\0overflow";

    private readonly object _gate = new();
    private readonly Dictionary<string, KindState> _kinds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _maxKinds;
    private readonly Action<string> _emit;
    private ITimer? _timer;

    public SelfLogThrottle(Action<string> emit, TimeProvider? time = null, TimeSpan? window = null, int maxKinds = DefaultMaxKinds)
    {
        _emit = emit;
        _time = time ?? TimeProvider.System;
        _window = window ?? DefaultWindow;
        _maxKinds = Math.Max(1, maxKinds);
    }

    /// <summary>Kinds currently tracked (for tests).</summary>
    internal int TrackedKinds
    {
        get
        {
            lock (_gate)
            {
                return _kinds.Count;
            }
        }
    }

    /// <summary>The kind of a message: digit runs masked, at most <see cref="MaxKeyLength"/> characters.</summary>
    public static string KindOf(string message)
    {
        var length = Math.Min(message.Length, MaxKeyLength);
        var span = message.AsSpan(0, length);
        if (CharRange.IndexOfAny(span, '0', '9') < 0)
        {
            return length == message.Length ? message : new string(span);
        }

        return string.Create(length, message, static (destination, source) =>
        {
            var written = 0;
            var inDigits = false;
            foreach (var c in source.AsSpan(0, destination.Length))
            {
                if (char.IsAsciiDigit(c))
                {
                    if (!inDigits)
                    {
                        destination[written++] = '#';
                    }

                    inDigits = true;
                }
                else
                {
                    destination[written++] = c;
                    inDigits = false;
                }
            }

            destination[written..].Fill('\0');
        }).TrimEnd('\0');
    }

    /// <summary>Passes <paramref name="message"/> on, or counts it if its kind was already reported in this window.</summary>
    public void Report(string message, string? kind = null)
    {
        List<string>? summaries = null;
        var pass = false;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var key = kind ?? KindOf(message);
            if (!_kinds.TryGetValue(key, out var state) && _kinds.Count >= _maxKinds)
            {
                EvictEnded(now, ref summaries);
                if (_kinds.Count >= _maxKinds)
                {
                    key = OverflowKind;
                    _kinds.TryGetValue(key, out state);
                }
            }

            if (state is null)
            {
                // Overflow may exceed the table by one entry: it is the one kind that stands for all the others.
                _kinds[key] = new KindState { WindowStart = now };
                pass = true;
            }
            else if (now - state.WindowStart >= _window)
            {
                var summary = state.TakeSummary(key);
                state.WindowStart = now;
                if (summary is not null)
                {
                    // The window ended with repeats before the timer got to it: its summary now, and this message is
                    // the first repeat counted in the next window (a steady failure stays at one line per window).
                    (summaries ??= []).Add(summary);
                    Count(state, message);
                }
                else
                {
                    // A quiet window: the message is news again.
                    pass = true;
                }
            }
            else
            {
                Count(state, message);
            }
        }

        EmitAll(summaries);
        if (pass)
        {
            _emit(message);
        }
    }

    /// <summary>Writes every pending summary now (shutdown, or a change of output) and forgets all kinds.</summary>
    public void Flush()
    {
        List<string>? summaries = null;
        lock (_gate)
        {
            foreach (var (key, state) in _kinds)
            {
                if (state.TakeSummary(key) is { } summary)
                {
                    (summaries ??= []).Add(summary);
                }
            }

            _kinds.Clear();
            _timer?.Dispose();
            _timer = null;
        }

        EmitAll(summaries);
    }

    private void EmitAll(List<string>? summaries)
    {
        if (summaries is null)
        {
            return;
        }

        foreach (var summary in summaries)
        {
            _emit(summary);
        }
    }

    // Called under the gate: summarises the windows that have ended and forgets the kinds that did not repeat.
    private void EvictEnded(DateTimeOffset now, ref List<string>? summaries)
    {
        List<string>? ended = null;
        foreach (var (key, state) in _kinds)
        {
            if (now - state.WindowStart < _window)
            {
                continue;
            }

            if (state.TakeSummary(key) is { } summary)
            {
                (summaries ??= []).Add(summary);
                state.WindowStart = now;
            }
            else
            {
                (ended ??= []).Add(key);
            }
        }

        if (ended is not null)
        {
            foreach (var key in ended)
            {
                _kinds.Remove(key);
            }
        }
    }

    // Called under the gate.
    private void Count(KindState state, string message)
    {
        state.Suppressed++;
        state.Last = message;
        EnsureTimer();
    }

    // Called under the gate.
    private void EnsureTimer()
    {
        if (_timer is null)
        {
            // The timer only runs while something is pending, so an idle or healthy process has none.
            using (ExecutionContext.SuppressFlow())
            {
                _timer = _time.CreateTimer(static s => ((SelfLogThrottle)s!).OnTimer(), this, _window, _window);
            }
        }
    }

    private void OnTimer()
    {
        List<string>? summaries = null;
        lock (_gate)
        {
            EvictEnded(_time.GetUtcNow(), ref summaries);
            if (_kinds.Count == 0 || _kinds.Values.All(s => s.Suppressed == 0))
            {
                // Nothing left to summarise: the next repeat starts the timer again.
                _timer?.Dispose();
                _timer = null;
            }
        }

        EmitAll(summaries);
    }

    private sealed class KindState
    {
        public DateTimeOffset WindowStart;
        public int Suppressed;
        public string? Last;

        public string? TakeSummary(string key)
        {
            if (Suppressed == 0)
            {
                return null;
            }

            var what = key == OverflowKind ? "self-log messages of other kinds" : "like this";
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{Last} [and {Suppressed} more {what} since {WindowStart:O}]");
            Suppressed = 0;
            Last = null;
            return summary;
        }
    }
}
