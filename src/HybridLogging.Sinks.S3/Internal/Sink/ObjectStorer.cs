using Amazon.Runtime;
using HybridLogging.Sinks.S3.Internal.Objects;
using HybridLogging.Sinks.S3.Internal.Upload;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// The background half of the sink: uploads an object's parts while it fills and stores it once closed (through
/// <see cref="PendingUploads"/>), then settles its records, completing its deferral when it is stored or failing them
/// all when it, or one of its parts, cannot be (its multipart upload aborted after its last part upload ended).
/// </summary>
/// <remarks>
/// The parts of one object keep their numbers and upload side by side; the first also checks the key and starts the
/// multipart upload, which the others wait for (<see cref="OpenObject.Initiated"/>); <c>CompleteMultipartUpload</c>
/// runs only after every part succeeded. A part that fails marks its object failed and calls back, so the sink gives
/// the object up if it is still open; once closed, the object's store does.
/// </remarks>
internal sealed class ObjectStorer(ObjectUploader uploader, PendingUploads pending, SinkCounters counters, Action<string> report, Action onPartFailed)
{
    private long _bytesWritten;
    private long _entriesFailed;

    /// <summary>Compressed bytes of the objects stored.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>Entries counted failed because their object could not be stored.</summary>
    public long EntriesFailed => Volatile.Read(ref _entriesFailed);

    /// <summary>
    /// Starts the upload of part <paramref name="number"/> of <paramref name="o"/> once there is room; throws
    /// <see cref="OperationCanceledException"/> (the part not sent) if waiting is cancelled.
    /// </summary>
    public async Task StartPartAsync(OpenObject o, int number, PartBody body, CancellationToken cancellationToken) =>
        o.PartUploads.Add(await pending.StartAsync(body, ct => UploadPartAsync(o, number, body, ct), cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Starts storing the closed object <paramref name="o"/> from its last bytes once there is room; throws
    /// <see cref="OperationCanceledException"/> (nothing started) if waiting is cancelled.
    /// </summary>
    public Task StartStoreAsync(OpenObject o, PartBody body, CancellationToken cancellationToken) =>
        pending.StartAsync(body, ct => StoreAsync(o, body, ct), cancellationToken);

    /// <summary>Gives an object up: aborts its upload (after its part uploads ended) and counts its records as failed.</summary>
    public async Task GiveUpAsync(OpenObject o, LogRecordBatch? batch, ObjectFailure failure)
    {
        // A part stored after the abort would stay (and be billed) until the bucket's lifecycle rule removes it.
        await Task.WhenAll(o.PartUploads).ConfigureAwait(false);
        if (!await uploader.AbortAsync(o).ConfigureAwait(false))
        {
            report($"aborting the multipart upload of '{o.Attempt.Key}' failed; its parts stay until the bucket's lifecycle rule removes them");
        }

        o.Deferral?.Fail(failure.Reason);
        if (batch is not null)
        {
            foreach (var index in o.CallRecords)
            {
                batch.Fail(index, failure.Reason);
            }
        }

        Interlocked.Add(ref _entriesFailed, o.RecordCount);
        if (failure.Exception is { } ex)
        {
            report($"storing '{o.Attempt.Key}' failed, its {o.RecordCount} entries are counted as failed ({failure.Reason}): {Describe(ex)}");
        }

        o.Dispose();
    }

    /// <summary>Background: uploads one part (the first also checks the key and starts the multipart upload).</summary>
    private async Task UploadPartAsync(OpenObject o, int number, PartBody body, CancellationToken cancellationToken)
    {
        try
        {
            if (number == 1)
            {
                var started = false;
                try
                {
                    await uploader.StartMultipartAsync(o, cancellationToken).ConfigureAwait(false);
                    started = true;
                }
                finally
                {
                    o.Initiated!.TrySetResult(started);
                }
            }
            else if (!await o.Initiated!.Task.ConfigureAwait(false))
            {
                return; // the first part failed and said why
            }

            o.PartStored(number, await uploader.UploadPartAsync(o, number, body.Memory, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            var reason = ReasonFor(ex, cancellationToken);
            o.Fail(new ObjectFailure(reason, ex));
            pending.NoteFailure(reason);

            // The object may still be open: the sink gives it up now rather than at its next write, so its records settle.
            onPartFailed();
        }
    }

    /// <summary>Background: stores a closed object once all its parts succeeded, and settles its records.</summary>
    private async Task StoreAsync(OpenObject o, PartBody body, CancellationToken cancellationToken)
    {
        await Task.WhenAll(o.PartUploads).ConfigureAwait(false);
        if (o.Failure is { } partFailure)
        {
            await GiveUpAsync(o, null, partFailure).ConfigureAwait(false);
            return;
        }

        try
        {
            var result = await uploader.StoreAsync(o, body.Memory, cancellationToken).ConfigureAwait(false);
            if (result == StoreResult.Stored)
            {
                counters.AddObject();
                if (o.PartCount > 0)
                {
                    counters.AddMultipartObject();
                }

                Interlocked.Add(ref _bytesWritten, o.Encoder.CompressedBytes);
            }
            else
            {
                counters.AddAlreadyStored();
            }

            o.Deferral?.Complete();
            o.Dispose();
        }
        catch (Exception ex)
        {
            var failure = new ObjectFailure(ReasonFor(ex, cancellationToken), ex);
            pending.NoteFailure(failure.Reason);
            await GiveUpAsync(o, null, failure).ConfigureAwait(false);
        }
    }

    private static string ReasonFor(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? "cancelled" : ObjectUploader.ReasonFor(ex) ?? "error";

    // Messages name the bucket and key only: credentials never appear (the SDK's messages do not carry them either).
    private static string Describe(Exception ex) => ex is AmazonServiceException service
        ? $"{(int)service.StatusCode} {service.ErrorCode}: {service.Message}"
        : $"{ex.GetType().Name}: {ex.Message}";
}
