namespace HybridLogging.Insights.Stats;

/// <summary>
/// A mergeable quantile sketch in the manner of DDSketch (Masson, Rim, Lee, VLDB 2019): bucket <c>i</c> counts the values
/// in (γ^(i-1), γ^i] with γ = (1 + α) / (1 - α), so the value it reports for a quantile is within relative accuracy α of
/// the true value at that rank. Sketches with the same α merge by adding bucket counts, which is how minute buckets are
/// combined into any window.
/// </summary>
/// <remarks>
/// Hand-written because nothing in the package source provides one (no DDSketch or HdrHistogram package is available to
/// this build) and the structure is small. Buckets are a dense array over the indexes seen, grown on demand and capped at
/// <see cref="MaxBins"/> (beyond it the lowest buckets collapse into one, which keeps the accuracy of the upper
/// quantiles, the ones latency questions are about). Values at or below <see cref="MinValue"/> ms count as zero.
/// </remarks>
internal sealed class LatencySketch
{
    /// <summary>Values at or below this (1 µs, in milliseconds) are counted as zero.</summary>
    public const double MinValue = 1e-3;

    /// <summary>Most buckets one sketch holds (with α = 1%, a range of 1 µs to about 10^17 ms).</summary>
    public const int MaxBins = 4096;

    private readonly SketchMapping _mapping;
    private int[] _bins = [];
    private int _offset;
    private long _zeroCount;

    public LatencySketch(SketchMapping mapping) => _mapping = mapping;

    public long Count { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public double Sum { get; private set; }

    /// <summary>Adds a value whose bucket index was computed once with <see cref="SketchMapping.Index"/> (shared by the rings).</summary>
    public void Add(double value, int index)
    {
        Count++;
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        if (index == SketchMapping.ZeroIndex)
        {
            _zeroCount++;
            return;
        }

        AddToBin(index, 1);
    }

    public void MergeFrom(LatencySketch other)
    {
        if (other.Count == 0)
        {
            return;
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        _zeroCount += other._zeroCount;
        for (var k = 0; k < other._bins.Length; k++)
        {
            if (other._bins[k] != 0)
            {
                AddToBin(other._offset + k, other._bins[k]);
            }
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), within relative accuracy α; NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)(Math.Clamp(q, 0, 1) * (Count - 1));
        if (rank < _zeroCount)
        {
            return Math.Max(Min, 0);
        }

        var seen = _zeroCount;
        for (var k = 0; k < _bins.Length; k++)
        {
            seen += _bins[k];
            if (seen > rank)
            {
                return Math.Clamp(_mapping.Value(_offset + k), Min, Max);
            }
        }

        return Max;
    }

    public void Clear()
    {
        Array.Clear(_bins);
        _zeroCount = 0;
        Count = 0;
        Sum = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }

    private void AddToBin(int index, int count)
    {
        if (_bins.Length == 0)
        {
            _bins = new int[32];
            _offset = index - 16;
        }

        var k = index - _offset;
        if ((uint)k >= (uint)_bins.Length)
        {
            k = Grow(index);
        }

        _bins[k] += count;
    }

    // Widens the dense range to include index (with slack so a drifting range does not resize every time); past MaxBins
    // the lowest buckets are folded into the lowest one kept.
    private int Grow(int index)
    {
        var low = Math.Min(index, _offset);
        var high = Math.Max(index, _offset + _bins.Length - 1);
        var slack = Math.Max(16, (high - low + 1) / 2);
        var newLow = index < _offset ? low - slack : low;
        var newHigh = index > _offset + _bins.Length - 1 ? high + slack : high;
        if (newHigh - newLow + 1 > MaxBins)
        {
            newLow = Math.Max(newLow, newHigh - MaxBins + 1);
            if (index > newHigh)
            {
                newHigh = index;
                newLow = newHigh - MaxBins + 1;
            }
        }

        var bins = new int[newHigh - newLow + 1];
        for (var k = 0; k < _bins.Length; k++)
        {
            var target = Math.Clamp(_offset + k - newLow, 0, bins.Length - 1);
            bins[target] += _bins[k];
        }

        _bins = bins;
        _offset = newLow;
        return Math.Clamp(index - newLow, 0, bins.Length - 1);
    }
}

/// <summary>The bucket mapping of a relative accuracy α, shared by every sketch of one insights instance.</summary>
internal sealed class SketchMapping
{
    public const int ZeroIndex = int.MinValue;

    private readonly double _gamma;
    private readonly double _multiplier;

    public SketchMapping(double relativeAccuracy)
    {
        RelativeAccuracy = relativeAccuracy;
        _gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _multiplier = 1 / Math.Log(_gamma);
    }

    public double RelativeAccuracy { get; }

    public int Index(double value)
        => value <= LatencySketch.MinValue ? ZeroIndex : (int)Math.Ceiling(Math.Log(value) * _multiplier);

    // The point of (γ^(i-1), γ^i] whose relative distance to both ends is α.
    public double Value(int index) => 2 * Math.Pow(_gamma, index) / (_gamma + 1);
}
