using System.Collections.Concurrent;
using Amazon.S3.Model;
using HybridLogging.Sinks.S3.Internal.Objects;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// The object the sink is filling: its compressor, the multipart upload it became once it outgrew one part (parts
/// upload in the background while it fills), and the records it holds, so they can be settled once it is stored (or
/// given up).
/// </summary>
/// <remarks>
/// Records from earlier calls are in <see cref="Deferral"/>; records of the current call are only listed by index
/// (<see cref="CallRecords"/>) and deferred when the call returns with the object still open, or when the call hands the
/// closed object to its background upload. While the object is open only the sink's writer (under its gate) settles
/// it; once handed off, only its upload does.
/// </remarks>
internal sealed class OpenObject(long hour, ObjectAttempt attempt, S3Compression compression, long openedTimestamp) : IDisposable
{
    private readonly ConcurrentDictionary<int, PartETag> _storedParts = new();
    private ObjectFailure? _failure;

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

    /// <summary>Parts handed to background uploads so far (their numbers are 1 to this).</summary>
    public int PartCount { get; set; }

    /// <summary>
    /// Set with the first part: true once the key is checked and the multipart upload started (the first part's upload
    /// does both), false when that failed. Later parts wait for it.
    /// </summary>
    public TaskCompletionSource<bool>? Initiated { get; set; }

    /// <summary>The background uploads of its parts (they never fault: a failure is recorded in <see cref="Failure"/>).</summary>
    public List<Task> PartUploads { get; } = [];

    /// <summary>The first failure of one of its background part uploads, or null.</summary>
    public ObjectFailure? Failure => Volatile.Read(ref _failure);

    /// <summary>Records added by earlier calls, pending until the object is stored.</summary>
    public LogRecordDeferral? Deferral { get; set; }

    /// <summary>Indices, in the current call's batch, of the records the call added.</summary>
    public List<int> CallRecords { get; } = [];

    /// <summary>Records in the object.</summary>
    public int RecordCount { get; set; }

    /// <summary>Records the first failure; later ones add nothing (the object is given up for the first).</summary>
    public void Fail(ObjectFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    public void PartStored(int partNumber, PartETag part) => _storedParts[partNumber] = part;

    /// <summary>The parts stored so far, in part number order (for <c>CompleteMultipartUpload</c>).</summary>
    public List<PartETag> StoredParts() => [.. _storedParts.OrderBy(p => p.Key).Select(p => p.Value)];

    /// <summary>Hands the records the current call added over to <see cref="Deferral"/> (created with the first).</summary>
    public void DeferCallRecords(LogRecordBatch batch, Action<string> report)
    {
        if (CallRecords.Count == 0)
        {
            return;
        }

        try
        {
            Deferral ??= batch.CreateDeferral();
            foreach (var index in CallRecords)
            {
                batch.Defer(index, Deferral);
            }
        }
        catch (InvalidOperationException ex)
        {
            // The destination abandoned this call (it timed out) and already counted its records.
            report($"records could not be deferred: {ex.Message}");
        }

        CallRecords.Clear();
    }

    public void Dispose() => Encoder.Dispose();
}
