using Amazon.Runtime;
using HybridLogging.Tests.Shared;

[assembly: AssemblyFixture(typeof(HybridLogging.Sinks.Kinesis.Tests.Kit.KinesaliteFixture))]

namespace HybridLogging.Sinks.Kinesis.Tests.Kit;

/// <summary>
/// One kinesalite (npm, pinned by tests/emulators/kinesalite/package-lock.json) for the whole test assembly, on a free
/// loopback port; each test makes its own stream. Fails the tests with npm/node's output when it cannot start.
/// </summary>
public sealed class KinesaliteFixture : IAsyncLifetime
{
    // Kinesalite checks the form of the Authorization header, not the signature: any key pair will do. Set in the
    // environment too, so sinks built by AddKinesis/configuration find them through the standard credential chain.
    internal const string AccessKey = "AKIDKINESALITETEST01";
    internal const string SecretKey = "kinesalite-test-secret-not-a-real-key";
    internal const string Region = "us-east-1";

    private NodeEmulator? _emulator;

    internal static AWSCredentials Credentials { get; } = new BasicAWSCredentials(AccessKey, SecretKey);

    internal NodeEmulator Emulator => _emulator ?? throw new InvalidOperationException("kinesalite has not started");

    internal string ServiceUrl => Emulator.BaseUri.ToString();

    internal KinesisTestClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
        _emulator = await NodeEmulator.StartAsync("kinesalite", TimeSpan.FromMinutes(3));
        Client = new KinesisTestClient(_emulator.BaseUri);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    /// <summary>A fresh stream name for one test.</summary>
    internal static string NewStreamName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 128)];
}
