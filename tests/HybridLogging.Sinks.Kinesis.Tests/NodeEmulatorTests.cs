using HybridLogging.Sinks.Kinesis.Tests.Kit;
using HybridLogging.Tests.Shared;

namespace HybridLogging.Sinks.Kinesis.Tests;

public sealed class NodeEmulatorTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task A_missing_emulator_folder_fails_with_a_message_naming_it_instead_of_skipping()
    {
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => NodeEmulator.StartAsync("no-such-emulator", TimeSpan.FromSeconds(5)));

        Assert.Contains("tests/emulators/no-such-emulator/package.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_emulator_listens_on_a_loopback_port_and_printed_its_ready_line()
    {
        Assert.Equal("127.0.0.1", kinesalite.Emulator.BaseUri.Host);
        Assert.Equal(kinesalite.Emulator.Port, kinesalite.Emulator.BaseUri.Port);
        Assert.StartsWith($"READY {kinesalite.Emulator.Port} ", kinesalite.Emulator.Output, StringComparison.Ordinal);
    }
}
