using System.Diagnostics;
using HybridLogging.Insights.Patterns;
using HybridLogging.Insights.Stats;

namespace HybridLogging.Insights.Tests.Patterns;

public sealed class SpaceSavingAccuracyTests
{
    private const int StreamLength = 1_000_000;
    private const int DistinctKeys = 100_000;
    private const int Capacity = 1000;

    [Fact]
    public void Every_heavy_hitter_of_a_skewed_stream_is_reported_within_the_space_saving_bound()
    {
        var keys = new PatternKey[DistinctKeys];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new PatternKey("Orders", "pattern " + i);
        }

        var exact = new long[DistinctKeys];
        var table = new SpaceSaving<PatternKey, PatternCounter>(Capacity, () => new PatternCounter(new TimeWindows(1, 1, 1), 0, 0), PatternKeyComparer.Instance);
        var zipf = new Zipf(DistinctKeys, exponent: 1.1, seed: 42);
        var watch = Stopwatch.StartNew();
        for (var n = 0; n < StreamLength; n++)
        {
            var rank = zipf.Next();
            exact[rank]++;
            if (table.Map.TryGetValue(keys[rank], out var item))
            {
                table.Increment(item);
            }
            else
            {
                table.Add(keys[rank]);
            }
        }

        watch.Stop();
        var bound = StreamLength / Capacity;
        var heavy = 0;
        for (var rank = 0; rank < DistinctKeys; rank++)
        {
            if (exact[rank] > bound)
            {
                heavy++;
                Assert.True(table.Map.ContainsKey(keys[rank]), $"heavy hitter rank {rank} ({exact[rank]} > N/K = {bound}) is missing");
            }
        }

        long maxObservedError = 0, maxReportedError = 0;
        foreach (var item in table.Items)
        {
            var truth = exact[int.Parse(item.Key.Pattern.AsSpan("pattern ".Length), System.Globalization.CultureInfo.InvariantCulture)];
            var over = item.Count - truth;
            Assert.True(over >= 0, $"{item.Key.Pattern}: count {item.Count} below the truth {truth}");
            Assert.True(over <= item.Error, $"{item.Key.Pattern}: overestimate {over} above its error bound {item.Error}");
            Assert.True(item.Error <= bound, $"{item.Key.Pattern}: error bound {item.Error} above N/K = {bound}");
            maxObservedError = Math.Max(maxObservedError, over);
            maxReportedError = Math.Max(maxReportedError, item.Error);
        }

        Assert.Equal(Capacity, table.Count);
        Assert.True(heavy >= 20, $"the stream should be skewed enough to have heavy hitters (had {heavy})");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"N = {StreamLength:N0}, K = {Capacity}, distinct = {DistinctKeys:N0}, Zipf s = 1.1: {heavy} heavy hitters above N/K = {bound}, all reported; " +
            $"guaranteed bound N/K = {bound}, largest per-item bound reported = {maxReportedError}, largest observed overestimate = {maxObservedError}; {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void A_new_key_takes_the_smallest_counter_and_inherits_its_count_as_error()
    {
        var table = new SpaceSaving<PatternKey, PatternCounter>(2, () => new PatternCounter(new TimeWindows(1, 1, 1), 1, 1), PatternKeyComparer.Instance);
        var a = table.Add(new PatternKey("s", "a"));
        table.Increment(a);
        table.Increment(a);
        var b = table.Add(new PatternKey("s", "b"));
        var c = table.Add(new PatternKey("s", "c"));

        Assert.Same(b, c); // the counter of b (count 1) was reused
        Assert.False(table.Map.ContainsKey(new PatternKey("s", "b")));
        Assert.Equal(2, c.Count);
        Assert.Equal(1, c.Error);
        Assert.Equal(3, a.Count);
        Assert.Equal(1, table.Evictions);
    }

    private sealed class Zipf
    {
        private readonly double[] _cdf;
        private readonly Random _random;

        public Zipf(int n, double exponent, int seed)
        {
            _cdf = new double[n];
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                sum += 1 / Math.Pow(k + 1, exponent);
                _cdf[k] = sum;
            }

            for (var k = 0; k < n; k++)
            {
                _cdf[k] /= sum;
            }

            _random = new Random(seed);
        }

        public int Next()
        {
            var index = Array.BinarySearch(_cdf, _random.NextDouble());
            return Math.Min(index < 0 ? ~index : index, _cdf.Length - 1);
        }
    }
}
