using HybridLogging.Sinks.S3.Internal.Objects;

namespace HybridLogging.Sinks.S3.Internal.Upload;

/// <summary>
/// The uploads the sink handed off and does not wait for: parts of the open object and the last upload of closed ones.
/// It owns their compressed bytes until each upload ends, runs at most <see cref="Bound"/> of them at once (a writer
/// that hands off one more first waits for one to end: back-pressure the pipeline already accounts for), and lets
/// flush and shutdown wait for all of them. It also remembers that one failed, for the writer to hand the rest of its
/// batch back as it did when it uploaded inline.
/// </summary>
/// <remarks>
/// Uploads start on the thread pool (the SDK signs and hashes a body before its first await) under the caller's
/// execution context (so the logging suppression of the destination's loop covers the AWS SDK calls), with a token
/// cancelled when the call that handed them off is cancelled (the destination's shutdown giving up) or when the sink's
/// own shutdown gives up on them (<see cref="DrainAsync"/>). The work given never throws: each upload settles its own
/// object's records.
/// </remarks>
internal sealed class PendingUploads(int bound) : IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();

    // Touched by the writer (under the sink's gate) and by flush and shutdown; a lock keeps the few list operations
    // simple. The tasks themselves are plain Task composition: WhenAny for room, WhenAll to drain.
    private readonly Lock _lock = new();
    private readonly List<Task> _uploads = [];
    private long _bytes;
    private long _waits;
    private string? _failure;

    /// <summary>How many uploads may run at once.</summary>
    public int Bound { get; } = bound;

    /// <summary>Compressed bytes held by uploads handed off and not finished (including one waiting for room).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Times a hand-off found <see cref="Bound"/> uploads running and waited for one to end.</summary>
    public long Waits => Volatile.Read(ref _waits);

    /// <summary>Uploads running.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                Prune();
                return _uploads.Count;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="upload"/> once fewer than <see cref="Bound"/> uploads run, and returns it (it never faults).
    /// <paramref name="body"/> belongs to the upload from now on, and is returned to its pool when the upload ends, or
    /// here if waiting for room is cancelled (then this throws <see cref="OperationCanceledException"/>).
    /// </summary>
    public async Task<Task> StartAsync(PartBody body, Func<CancellationToken, Task> upload, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytes, body.Length);
        try
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(body);
            throw;
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancellationToken);
        var running = Task.Run(() => RunAsync(upload, body, linked), CancellationToken.None);
        lock (_lock)
        {
            _uploads.Add(running);
        }

        return running;
    }

    /// <summary>Completes when every upload started so far has ended (it never faults unless cancelled).</summary>
    public Task WhenAllAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_lock)
        {
            Prune();
            running = [.. _uploads];
        }

        return running.Length == 0 ? Task.CompletedTask : Task.WhenAll(running).WaitAsync(cancellationToken);
    }

    /// <summary>Records that an upload failed (its reason), for the writer to see with <see cref="TakeFailure"/>.</summary>
    public void NoteFailure(string reason) => Volatile.Write(ref _failure, reason);

    /// <summary>The reason of an upload failure noted since the last call, or null.</summary>
    public string? TakeFailure() => Volatile.Read(ref _failure) is null ? null : Interlocked.Exchange(ref _failure, null);

    /// <summary>
    /// Shutdown: waits up to <paramref name="grace"/> for the uploads to end, then cancels those still running (they
    /// settle their objects as failed) and waits a few seconds more for them. Never throws.
    /// </summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        if (!await EndsAsync(WhenAllAsync(CancellationToken.None), grace).ConfigureAwait(false))
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await EndsAsync(WhenAllAsync(CancellationToken.None), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    public void Dispose() => _lifetime.Dispose();

    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var waited = false;
        while (true)
        {
            Task[] running;
            lock (_lock)
            {
                Prune();
                if (_uploads.Count < Bound)
                {
                    return;
                }

                running = [.. _uploads];
            }

            if (!waited)
            {
                waited = true;
                Interlocked.Increment(ref _waits);
            }

            // Whichever ends first makes room: uploads of different sizes and objects finish out of order.
            await Task.WhenAny(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(Func<CancellationToken, Task> upload, PartBody body, CancellationTokenSource linked)
    {
        try
        {
            await upload(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The uploads settle their objects themselves; this is a bug's last stop, not a way of reporting failures.
            HybridSelfLog.Report($"S3 sink: a background upload ended with an unexpected {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Release(body);
            linked.Dispose();
        }
    }

    private static async Task<bool> EndsAsync(Task uploads, TimeSpan timeout)
    {
        try
        {
            await uploads.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Release(PartBody body)
    {
        Interlocked.Add(ref _bytes, -body.Length);
        body.Dispose();
    }

    private void Prune() => _uploads.RemoveAll(static t => t.IsCompleted);
}
