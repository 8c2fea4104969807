using HybridLogging.Insights.Stats;

namespace HybridLogging.Insights.Patterns;

/// <summary>One tracked pattern: Space-Saving count and error, plus what it has seen since it entered the table.</summary>
internal sealed class PatternCounter(TimeWindows windows, int maxSamples, int maxKeys) : SpaceSavingItem<PatternKey>
{
    private readonly string[] _samples = new string[maxSamples];
    private readonly string[] _keys = new string[maxKeys];

    public bool IsTemplate { get; set; }

    /// <summary>The error group this pattern's last error went to (a cache; checked against its key before use).</summary>
    public ErrorCounter? LastError { get; set; }

    /// <summary>Entries per level (Trace .. Critical) since the pattern entered the table.</summary>
    public long[] Levels { get; } = new long[LevelRing.Levels];

    public int HighestLevel { get; set; }

    public long FirstSeenTicks { get; set; }

    public long LastSeenTicks { get; set; }

    public WindowedCount Windowed { get; } = new(windows);

    public int SampleCount { get; private set; }

    public int KeyCount { get; private set; }

    /// <summary>Entries counted since the pattern entered the table (exact).</summary>
    public long Seen => Count - Error;

    public ReadOnlySpan<string> Samples => _samples.AsSpan(0, SampleCount);

    public ReadOnlySpan<string> Keys => _keys.AsSpan(0, KeyCount);

    public bool WantsSample => SampleCount < _samples.Length;

    public void AddSample(ReadOnlySpan<char> message)
    {
        foreach (var sample in Samples)
        {
            if (message.SequenceEqual(sample))
            {
                return;
            }
        }

        _samples[SampleCount++] = new string(message);
    }

    public void AddKey(string key)
    {
        if (KeyCount == _keys.Length)
        {
            return;
        }

        foreach (var known in Keys)
        {
            if (ReferenceEquals(known, key) || string.Equals(known, key, StringComparison.Ordinal))
            {
                return;
            }
        }

        _keys[KeyCount++] = key;
    }

    protected internal override void Reset()
    {
        Array.Clear(Levels);
        HighestLevel = 0;
        IsTemplate = false;
        LastError = null;
        Array.Clear(_samples);
        SampleCount = 0;
        Array.Clear(_keys);
        KeyCount = 0;
        Windowed.Clear();
    }
}

/// <summary>One tracked error group (exception type + pattern + source).</summary>
internal sealed class ErrorCounter(TimeWindows windows) : SpaceSavingItem<ErrorKey>
{
    public int HighestLevel { get; set; }

    public long FirstSeenTicks { get; set; }

    public long LastSeenTicks { get; set; }

    public string? Sample { get; set; }

    public WindowedCount Windowed { get; } = new(windows);

    protected internal override void Reset()
    {
        HighestLevel = 0;
        Sample = null;
        Windowed.Clear();
    }
}
