using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>One writer per file: the lock, its holder in errors, and its removal at shutdown.</summary>
public sealed class FileSinkLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Second_sink_on_the_same_path_in_this_process_is_refused_with_an_error_naming_the_path_and_the_holder()
    {
        var path = _folder.Combine("log.json");
        await using var first = CreateSink(_ => { }, name: "first");

        var error = Assert.Throws<IOException>(() => new FileSink("second", new FileSinkOptions { Path = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'first'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);

        // The refused sink changed nothing: the first still owns the file and writes whole lines.
        await first.WriteEntriesAsync(Some.LogEntries(0, 3), Ct);
        await first.FlushAsync(Ct);
        Assert.Equal([0, 1, 2], LogFiles.ReadIndices(path));
    }

    [Fact]
    public async Task Path_is_free_again_once_the_holder_is_disposed()
    {
        var path = _folder.Combine("log.json");
        var first = CreateSink(_ => { }, name: "first");
        await first.WriteEntriesAsync(Some.LogEntries(0, 2), Ct);
        await first.DisposeAsync();

        await using var second = new FileSink("second", new FileSinkOptions { Path = path });
        await second.WriteEntriesAsync(Some.LogEntries(2, 2), Ct);
        await second.FlushAsync(Ct);

        Assert.Equal([0, 1, 2, 3], LogFiles.ReadIndices(path));
    }

    [Fact]
    public void Path_locked_by_another_process_is_refused_with_an_error_naming_the_path_and_the_lock_file()
    {
        var path = _folder.Combine("log.json");

        // What another process holding the lock looks like from here: an exclusive handle on the lock file.
        using var otherProcess = new FileStream(path + ".lock", FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<IOException>(() => new FileSink("file", new FileSinkOptions { Path = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        Assert.Contains(path + ".lock", error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(path));
    }

    [Fact]
    public async Task Path_locked_by_another_process_is_refused_with_an_error_naming_the_holder()
    {
        var path = _folder.Combine("log.json");

        // A holder records itself beside the lock file when it takes the lock (the lock file itself cannot be read by
        // another process while it is held)...
        var holder = CreateSink(_ => { }, name: "holder");
        var record = System.IO.File.ReadAllText(path + ".lock.owner");
        Assert.StartsWith($"pid={Environment.ProcessId} process=", record, StringComparison.Ordinal);
        Assert.Contains($" host={Environment.MachineName} sink=holder since=", record, StringComparison.Ordinal);
        await holder.DisposeAsync(); // a clean shutdown removes both files

        // ...so this is what another process holding the lock looks like from here: an exclusive handle on the lock
        // file and its record beside it.
        const string OtherRecord = "pid=4242 process=OtherApp host=web-1 sink=files since=2026-11-30T23:00:00.0000000+00:00";
        System.IO.File.WriteAllText(path + ".lock.owner", OtherRecord + "\n");
        using var otherProcess = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<IOException>(() => new FileSink("file", new FileSinkOptions { Path = path }));

        Assert.Contains("another process holds its lock file", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holder {OtherRecord}, as recorded in '{path}.lock.owner'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clean_shutdown_removes_the_lock_file_so_the_folder_holds_only_log_files()
    {
        var sink = CreateSink(o => o.MaxFileSizeBytes = 1024);
        Assert.True(System.IO.File.Exists(_folder.Combine("log.json.lock")));
        await sink.WriteEntriesAsync(Some.LogEntries(0, 4, padding: 300), Ct);

        await sink.DisposeAsync();

        Assert.Equal(
            ["log.20260101T101500Z.1.json", "log.json"],
            Directory.GetFiles(_folder.Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Lock_file_left_by_a_crashed_process_is_taken_over_and_removed_at_shutdown()
    {
        var lockPath = _folder.Combine("log.json.lock");
        await System.IO.File.WriteAllTextAsync(lockPath, "pid=1 process=crashed\n", Ct); // no process holds it any more

        var sink = CreateSink(_ => { });
        await sink.WriteEntriesAsync(Some.LogEntries(0, 2), Ct);
        await sink.DisposeAsync();

        Assert.False(System.IO.File.Exists(lockPath));
        Assert.Equal([0, 1], LogFiles.ReadIndices(_folder.Combine("log.json")));
    }

    [Fact]
    public async Task Lock_is_exclusive_again_after_a_released_and_removed_lock_file_is_taken_by_the_next_sink()
    {
        var path = _folder.Combine("log.json");
        await CreateSink(_ => { }, name: "first").DisposeAsync();
        await using var second = CreateSink(_ => { }, name: "second");

        // The new lock file is held: another process (an exclusive handle here) is refused, and so is a third sink.
        Assert.True(System.IO.File.Exists(path + ".lock"));
        Assert.ThrowsAny<IOException>(() => new FileStream(path + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None));
        var error = Assert.Throws<IOException>(() => new FileSink("third", new FileSinkOptions { Path = path }));
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_handle_whose_file_was_deleted_meanwhile_is_recognised_where_the_platform_tells()
    {
        var path = _folder.Combine("probe.lock");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        bool? expectedLive = OperatingSystem.IsLinux() ? false : null;
        Assert.Equal(expectedLive, FileLock.IsUnlinked(stream));

        System.IO.File.Delete(path);

        // Linux names the open file "... (deleted)" in /proc/self/fd: a taker that locked it starts again.
        bool? expectedDeleted = OperatingSystem.IsLinux() ? true : null;
        Assert.Equal(expectedDeleted, FileLock.IsUnlinked(stream));
    }

    private FileSink CreateSink(Action<FileSinkOptions> configure, TimeProvider? clock = null, string name = "file") =>
        TestSinks.File(_folder, configure, clock, name);
}
