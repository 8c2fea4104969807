using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>Writeback of committed bytes starts while writing, in ranges of the threshold, on Linux only.</summary>
public sealed class EarlyWritebackTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Writeback_starts_once_per_threshold_of_committed_bytes_on_linux_and_never_elsewhere()
    {
        using var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var writeback = new EarlyWriteback();
        writeback.Reset(file.SafeFileHandle, 0);
        var block = new byte[1024 * 1024];
        Array.Fill(block, (byte)'x');
        for (var i = 1; i <= 9; i++)
        {
            file.Write(block);
            file.Flush();
            writeback.Committed(file.Length);
        }

        Assert.Equal(OperatingSystem.IsLinux(), EarlyWriteback.Supported);
        Assert.Equal(OperatingSystem.IsLinux() ? 9 * block.Length / EarlyWriteback.Threshold : 0, writeback.Started);
        Assert.Equal(9 * block.Length, new FileInfo(_folder.Combine("log.json")).Length);
    }

    [Fact]
    public void A_closed_file_is_never_passed_to_the_operating_system()
    {
        var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var writeback = new EarlyWriteback();
        writeback.Reset(file.SafeFileHandle, 0);
        file.Write(new byte[EarlyWriteback.Threshold * 2]);
        file.Dispose();

        writeback.Committed(EarlyWriteback.Threshold * 2);

        Assert.Equal(0, writeback.Started);
    }
}
