namespace HybridLogging.Internal;

/// <summary>Per-category filter result, computed once per category and replaced wholesale on reload.</summary>
internal sealed class CategoryState(string category, string source, int minimumLevel, PipelineSettings settings)
{
    /// <summary>The settings this state was computed from (lets a logger created during a reload detect staleness).</summary>
    public PipelineSettings Settings { get; } = settings;

    public string Category { get; } = category;

    public string Source { get; } = source;

    /// <summary>Lowest enabled level as an int; 6 (None) disables the category.</summary>
    public int MinimumLevel { get; } = minimumLevel;

    /// <summary>
    /// The dispatcher's per-source counter, cached here on first use so counting an entry does not hash its source
    /// string (dispatcher thread only).
    /// </summary>
    public object? SourceCounter { get; set; }

    /// <summary>
    /// <see cref="Category"/> as the JSON writer writes it (escaped UTF-8, no quotes), encoded on first use. Computing it
    /// twice in a race gives equal bytes, so no lock is needed.
    /// </summary>
    public byte[] EncodedCategory => field ??= Formatting.Internal.Utf8Writer.EscapedBytes(Category);

    /// <summary><see cref="Source"/> as the JSON writer writes it, encoded on first use.</summary>
    public byte[] EncodedSource => field ??= Formatting.Internal.Utf8Writer.EscapedBytes(Source);
}
