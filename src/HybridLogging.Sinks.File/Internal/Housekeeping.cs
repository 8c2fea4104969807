using System.IO.Compression;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// Background work on a sink's rolled files: gzip them (when enabled) and delete the oldest beyond the retained count.
/// Passes run one after another on the thread pool, requests made while one is queued are coalesced into it, and a
/// pass never throws (it reports through <see cref="HybridSelfLog"/> and is tried again after the next roll).
/// </summary>
internal sealed class Housekeeping
{
    private readonly string _sinkName;
    private readonly FileSinkOptions _options;
    private readonly RolledFileNames _names;
    private Task _pending = Task.CompletedTask;
    private int _queued;

    public Housekeeping(string sinkName, FileSinkOptions options, RolledFileNames names)
    {
        _sinkName = sinkName;
        _options = options;
        _names = names;
    }

    /// <summary>Completes when every pass requested so far has run.</summary>
    public Task WhenIdle => Volatile.Read(ref _pending);

    /// <summary>Queues one compression-and-retention pass after any running one (coalesced with one already queued).</summary>
    public void Schedule()
    {
        if (Interlocked.Exchange(ref _queued, 1) != 0)
        {
            return;
        }

        // Callers serialise Schedule (the sink's gate), so the read-modify-write of _pending does not race.
        Volatile.Write(ref _pending, _pending.ContinueWith(
            static (_, state) => ((Housekeeping)state!).Run(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default));
    }

    private void Run()
    {
        Volatile.Write(ref _queued, 0);
        try
        {
            var files = _names.List();
            if (_options.CompressRolledFiles)
            {
                foreach (var file in files)
                {
                    if (!file.Compressed && !System.IO.File.Exists(RolledFileNames.CompressedPath(file.Path)))
                    {
                        Compress(file.Path);
                    }
                }

                files = _names.List();
            }

            ApplyRetention(files);
        }
        catch (Exception ex)
        {
            HybridSelfLog.Report($"File sink '{_sinkName}': housekeeping in '{_names.Directory}' failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Compress(string path)
    {
        var target = RolledFileNames.CompressedPath(path);
        var temporary = target + ".tmp";
        try
        {
            using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan))
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                {
                    input.CopyTo(gzip);
                }

                output.Flush(flushToDisk: true);
            }

            // Only a complete archive gets the final name; then the original goes.
            System.IO.File.Move(temporary, target, overwrite: true);
            System.IO.File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            HybridSelfLog.Report($"File sink '{_sinkName}': compressing '{path}' failed, the file is kept uncompressed: {ex.Message}");
            TryDelete(temporary);
        }
    }

    /// <summary>Keeps the newest <c>RetainedFileCount - 1</c> rolled files (the active file is the last one counted).</summary>
    private void ApplyRetention(List<RolledFile> newestFirst)
    {
        var keep = _options.RetainedFileCount - 1;
        var seen = 0;
        (string Stamp, int Sequence) previous = default;
        foreach (var file in newestFirst)
        {
            // A file and its archive (only both present if compression was interrupted) count once.
            if (seen == 0 || (file.Stamp, file.Sequence) != previous)
            {
                seen++;
                previous = (file.Stamp, file.Sequence);
            }

            if (seen > keep)
            {
                TryDelete(file.Path);
            }
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HybridSelfLog.Report($"File sink '{_sinkName}': deleting '{path}' failed (retried after the next roll): {ex.Message}");
        }
    }
}
