using Amazon.S3.Model;
using HybridLogging.Sinks.S3.Internal.Objects;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// The object the sink is filling: its compressor, the multipart upload it became once it outgrew one part, and the
/// records it holds, so they can be settled once it is stored (or given up).
/// </summary>
/// <remarks>
/// Records from earlier calls are in <see cref="Deferral"/>; records of the current call are only listed by index
/// (<see cref="CallRecords"/>) and deferred when the call returns with the object still open, so an object closed within
/// the call that filled it needs no deferral, and its records simply count as written (or failed) with the batch.
/// </remarks>
internal sealed class OpenObject(long hour, ObjectAttempt attempt, S3Compression compression, long openedTimestamp) : IDisposable
{
    /// <summary>The UTC hour of its entries, as <see cref="TimeSpan.TicksPerHour"/> units since 0001-01-01.</summary>
    public long Hour { get; } = hour;

    public DateTime HourStart => new(Hour * TimeSpan.TicksPerHour, DateTimeKind.Utc);

    /// <summary>Key and token; a new one only when the key turns out to be someone else's.</summary>
    public ObjectAttempt Attempt { get; set; } = attempt;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when its first record was added.</summary>
    public long OpenedTimestamp { get; } = openedTimestamp;

    public ObjectEncoder Encoder { get; } = new(compression);

    /// <summary>The multipart upload, once the object outgrew one part.</summary>
    public string? UploadId { get; set; }

    public List<PartETag> Parts { get; } = [];

    /// <summary>Records added by earlier calls, pending until the object is stored.</summary>
    public LogRecordDeferral? Deferral { get; set; }

    /// <summary>Indices, in the current call's batch, of the records the call added.</summary>
    public List<int> CallRecords { get; } = [];

    /// <summary>Records in the object.</summary>
    public int RecordCount { get; set; }

    public void Dispose() => Encoder.Dispose();
}
