namespace HybridLogging;

/// <summary>
/// Settings of a rolling file destination. The pipeline settings of the destination (batching, queue, retries) are
/// the separate <see cref="SinkOptions"/>.
/// </summary>
/// <remarks>
/// One file is written by exactly one sink: the sink holds an exclusive lock file <c>{Path}.lock</c> while it is open,
/// and records itself (process, host, sink) in <c>{Path}.lock.owner</c> (both removed again on a clean shutdown); a second
/// sink on the same path, in this process or another, is refused with an <see cref="IOException"/> that names the holder.
/// </remarks>
public sealed class FileSinkOptions
{
    /// <summary>Smallest allowed <see cref="MaxFileSizeBytes"/> (1 KiB).</summary>
    public const long MinFileSizeBytes = 1024;

    /// <summary>
    /// Path of the active log file; relative paths are resolved against the current directory, and missing directories
    /// are created. Rolled files keep the name and extension with a UTC timestamp and a sequence number in between:
    /// <c>logs/log.20261123T090000Z.1.json</c> (plus <c>.gz</c> when compressed). Default <c>logs/log.json</c>.
    /// </summary>
    public string Path { get; set; } = "logs/log.json";

    /// <summary>Output format: <see cref="LogFormat.Json"/> (one JSON object per line) or <see cref="LogFormat.Text"/>. Default Json.</summary>
    public LogFormat Format { get; set; } = LogFormat.Json;

    /// <summary>
    /// Size at which the file is rolled, in bytes. The sink rolls before an entry would take the file past this size, so
    /// an entry is never split across files; an entry larger than the limit is written alone into its own file.
    /// At least 1 KiB. Default 100 MiB (104,857,600): with <see cref="RetainedFileCount"/> at most 1 GiB on disk, which
    /// keeps hours of a busy service's logs (10 MiB files held only minutes of them at a few thousand entries/s).
    /// </summary>
    public long MaxFileSizeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Also roll when a UTC hour or day boundary has passed, checked when a batch is written (a quiet sink does not create
    /// empty files). Default <see cref="FileRollingInterval.None"/>: the size limit and <see cref="RetainedFileCount"/>
    /// already bound disk use, and time-based files are opt-in for those who want one file per period.
    /// </summary>
    public FileRollingInterval RollingInterval { get; set; } = FileRollingInterval.None;

    /// <summary>
    /// Most files of this sink kept on disk, counting the active file; after each roll the oldest rolled files beyond this
    /// count are deleted. Between 1 and 100,000. Default 10.
    /// </summary>
    public int RetainedFileCount { get; set; } = 10;

    /// <summary>
    /// Buffer size of the file stream, in bytes; 0 disables buffering. Every run of a batch's records is handed to the
    /// operating system as one write before they count as written, so a buffer never coalesces writes: it only copies
    /// each run once more (5-10% of the end-to-end throughput in the peers benchmark). Between 0 and 16 MiB.
    /// Default 0: runs are written straight from the pipeline's chunks.
    /// </summary>
    public int BufferSize { get; set; }

    /// <summary>
    /// How often written data is flushed to disk (fsync) when something was written (it reaches the operating system at
    /// every write already); <see cref="TimeSpan.Zero"/> disables the periodic flush (data still reaches disk on flush,
    /// roll and shutdown, and whenever the OS writes it back). <see cref="ILogSink.FlushAsync"/> always flushes. At most
    /// one hour. Default 1 s.
    /// </summary>
    public TimeSpan FlushToDiskInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether rolled files are compressed with gzip (<c>.gz</c> appended) in the background after each roll. The active
    /// file is never compressed. Default false.
    /// </summary>
    public bool CompressRolledFiles { get; set; }

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string sinkName)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"File sink '{sinkName}': Path is required.");
        }
        else if (Path.EndsWith('/') || Path.EndsWith('\\'))
        {
            errors.Add($"File sink '{sinkName}': Path must name a file, not a directory (was '{Path}').");
        }
        else if (Path.AsSpan().IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"File sink '{sinkName}': Path contains characters that are not valid in a path (was '{Path}').");
        }

        if (!Enum.IsDefined(Format))
        {
            errors.Add($"File sink '{sinkName}': Format must be Json or Text (was {Format}).");
        }

        if (MaxFileSizeBytes < MinFileSizeBytes)
        {
            errors.Add($"File sink '{sinkName}': MaxFileSizeBytes must be at least {MinFileSizeBytes} (was {MaxFileSizeBytes}).");
        }

        if (!Enum.IsDefined(RollingInterval))
        {
            errors.Add($"File sink '{sinkName}': RollingInterval must be None, Hourly or Daily (was {RollingInterval}).");
        }

        if (RetainedFileCount is < 1 or > 100_000)
        {
            errors.Add($"File sink '{sinkName}': RetainedFileCount must be between 1 and 100000 (was {RetainedFileCount}).");
        }

        if (BufferSize is < 0 or > 16 * 1024 * 1024)
        {
            errors.Add($"File sink '{sinkName}': BufferSize must be between 0 and 16777216 (was {BufferSize}).");
        }

        if (FlushToDiskInterval < TimeSpan.Zero || FlushToDiskInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"File sink '{sinkName}': FlushToDiskInterval must be between zero (disabled) and one hour (was {FlushToDiskInterval}).");
        }

        return errors;
    }

    internal FileSinkOptions Clone() => (FileSinkOptions)MemberwiseClone();
}
