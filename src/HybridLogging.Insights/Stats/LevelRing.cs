namespace HybridLogging.Insights.Stats;

/// <summary>
/// Per-level counts and a latency sketch per time bucket, in a fixed ring (slot = unit modulo size). A slot is reset
/// (its sketch cleared and kept for reuse) when a later unit reaches it; entries older than their slot's unit are left
/// out of this ring. Sketches are allocated only for buckets that saw a latency.
/// </summary>
internal sealed class LevelRing
{
    public const int Levels = 6; // Trace .. Critical

    private readonly int[] _units;
    private readonly int[] _counts;
    private readonly LatencySketch?[] _sketches;
    private readonly SketchMapping _mapping;

    public LevelRing(int size, SketchMapping mapping)
    {
        _units = new int[size];
        _counts = new int[size * Levels];
        _sketches = new LatencySketch?[size];
        _mapping = mapping;
    }

    public void Add(int unit, int slot, int level, double latency, int latencyIndex)
    {
        if (_units[slot] != unit)
        {
            if (unit < _units[slot])
            {
                return;
            }

            _units[slot] = unit;
            Array.Clear(_counts, slot * Levels, Levels);
            _sketches[slot]?.Clear();
        }

        _counts[(slot * Levels) + level]++;
        if (!double.IsNaN(latency))
        {
            (_sketches[slot] ??= new LatencySketch(_mapping)).Add(latency, latencyIndex);
        }
    }

    /// <summary>Adds the window's counts to <paramref name="counts"/> (one per level) and its latencies to <paramref name="latency"/>.</summary>
    public void Collect(WindowSpec window, Span<long> counts, LatencySketch? latency)
    {
        for (var slot = 0; slot < _units.Length; slot++)
        {
            if (!window.Contains(_units[slot]))
            {
                continue;
            }

            for (var level = 0; level < Levels; level++)
            {
                counts[level] += _counts[(slot * Levels) + level];
            }

            if (latency is not null && _sketches[slot] is { } sketch)
            {
                latency.MergeFrom(sketch);
            }
        }
    }
}
