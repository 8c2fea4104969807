using System.Globalization;
using System.Text.RegularExpressions;
using HybridLogging.Internal;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Tests.Diagnostics;

/// <summary>The self-log's rate limit on its own, on a fake clock.</summary>
public sealed partial class SelfLogThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
    private readonly List<string> _lines = [];

    [GeneratedRegex(@"\[and (\d+) more (like this|self-log messages of other kinds) since ([^\]]+)\]$")]
    private static partial Regex Summary();

    private SelfLogThrottle Create(int maxKinds = SelfLogThrottle.DefaultMaxKinds) =>
        new(line =>
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }, _time, Window, maxKinds);

    private string[] Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    private static int CountOf(string line)
    {
        var match = Summary().Match(line);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public void Kind_masks_every_run_of_digits()
    {
        Assert.Equal("Destination 'd#': # entries failed", SelfLogThrottle.KindOf("Destination 'd1': 100 entries failed"));
        Assert.Equal(SelfLogThrottle.KindOf("3 of 7"), SelfLogThrottle.KindOf("1234 of 98765"));
        Assert.Equal("no digits", SelfLogThrottle.KindOf("no digits"));
        Assert.Equal(SelfLogThrottle.MaxKeyLength, SelfLogThrottle.KindOf(new string('x', 10_000)).Length);
    }

    [Fact]
    public void Repeats_within_the_window_are_counted_and_summarised_once_by_the_timer()
    {
        var throttle = Create();
        for (var i = 1; i <= 210; i++)
        {
            throttle.Report($"Destination 'd': {i} entries failed: boom");
            _time.Advance(TimeSpan.FromMilliseconds(100)); // 21 s: all inside one window
        }

        Assert.Equal(["Destination 'd': 1 entries failed: boom"], Lines());

        _time.Advance(Window);

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Destination 'd': 210 entries failed: boom [and 209 more like this since 2026-11-30T23:00:00", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Steady_failure_costs_one_line_per_window_and_the_counts_add_up_exactly()
    {
        var throttle = Create();
        const int Reports = 900;
        for (var i = 0; i < Reports; i++)
        {
            throttle.Report($"Destination 'd': {i % 7 + 1} entries failed: boom");
            _time.Advance(TimeSpan.FromSeconds(1)); // 900 s = 30 windows
        }

        throttle.Flush();
        var lines = Lines();

        // First line in full, then at most one summary per window (plus the final flush).
        Assert.InRange(lines.Length, 2, 1 + (900 / 30) + 1);
        Assert.Equal(Reports, lines.Count(l => CountOf(l) == 0) + lines.Sum(CountOf));
        Assert.Equal(Reports, 1 + lines.Sum(CountOf));
    }

    [Fact]
    public void Kind_reported_again_after_a_quiet_window_is_written_in_full()
    {
        var throttle = Create();
        throttle.Report("Routing error: 1");
        _time.Advance(Window + TimeSpan.FromSeconds(1));
        throttle.Report("Routing error: 2");

        Assert.Equal(["Routing error: 1", "Routing error: 2"], Lines());
    }

    [Fact]
    public void Repeat_after_the_window_writes_the_pending_summary_and_is_counted_in_the_next_window()
    {
        var throttle = Create(); // the timer is never fired here: the next report must not lose the count
        throttle.Report("x 1");
        throttle.Report("x 2");
        throttle.Report("x 3");
        _time.AdjustTime(_time.GetUtcNow() + Window); // moves the clock without firing timers

        throttle.Report("x 4");

        Assert.Equal(2, Lines().Length);
        Assert.Equal("x 1", Lines()[0]);
        Assert.StartsWith("x 3 [and 2 more like this since 2026-11-30T23:00:00", Lines()[1], StringComparison.Ordinal);

        throttle.Flush();
        Assert.StartsWith("x 4 [and 1 more like this since 2026-11-30T23:00:30", Lines()[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Different_kinds_are_limited_separately_and_an_explicit_kind_groups_varying_text()
    {
        var throttle = Create();
        throttle.Report("sink a failed");
        throttle.Report("sink b failed");
        throttle.Report("sink a failed");
        throttle.Report("upload of /tmp/x.gz failed", kind: "upload");
        throttle.Report("upload of /tmp/y.gz failed", kind: "upload");
        throttle.Flush();

        var lines = Lines();
        Assert.Equal(5, lines.Length);
        Assert.Equal(["sink a failed", "sink b failed", "upload of /tmp/x.gz failed"], lines[..3]);
        Assert.Contains(lines[3..], l => l.StartsWith("sink a failed [and 1 more like this", StringComparison.Ordinal));
        Assert.Contains(lines[3..], l => l.StartsWith("upload of /tmp/y.gz failed [and 1 more like this", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_of_kinds_is_bounded_and_overflowing_kinds_share_one_counted_kind()
    {
        var throttle = Create(maxKinds: 4);
        for (var i = 0; i < 1_000; i++)
        {
            throttle.Report($"problem {(char)('a' + (i % 26))}{i / 26}x"); // letters vary: 26 kinds
        }

        Assert.InRange(throttle.TrackedKinds, 1, 5);
        throttle.Flush();
        var lines = Lines();
        Assert.InRange(lines.Length, 5, 10);
        Assert.Equal(1_000, lines.Count(l => CountOf(l) == 0) + lines.Sum(CountOf));
        Assert.Contains(lines, l => l.Contains("more self-log messages of other kinds", StringComparison.Ordinal));
    }

    [Fact]
    public void Flush_writes_pending_summaries_and_starts_afresh()
    {
        var throttle = Create();
        throttle.Report("disk full 1");
        throttle.Report("disk full 2");
        throttle.Flush();
        throttle.Report("disk full 3");

        var lines = Lines();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("disk full 2 [and 1 more like this since", lines[1], StringComparison.Ordinal);
        Assert.Equal("disk full 3", lines[2]);
        Assert.Equal(0, CountOf(lines[2]));
    }
}
