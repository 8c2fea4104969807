using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

public sealed class HungSinkDisposalTests
{
    /// <summary>Write waits on a gate and ignores cancellation; disposal is recorded.</summary>
    private sealed class GatedSink : ILogSink
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool WriteRunning { get; private set; }

        public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
        {
            WriteRunning = true;
            await Gate.Task;
            WriteRunning = false;
        }

        public ValueTask DisposeAsync()
        {
            Assert.False(WriteRunning, "disposed while a write was still running");
            Disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Sink_with_a_timed_out_write_is_disposed_only_after_that_write_completes()
    {
        var sink = new GatedSink();
        var options = new HybridLoggingOptions { ShutdownTimeout = TimeSpan.FromSeconds(1), FlushInterval = TimeSpan.FromMilliseconds(10) };
        options.AddSink("gated", sink, s =>
        {
            s.WriteTimeout = TimeSpan.FromMilliseconds(100);
            s.MaxRetries = 0;
        });
        var provider = new HybridLoggerProvider(options);
        provider.CreateLogger("Tests.CacheLayer").LogInformation("stuck");
        await provider.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(sink.Disposed.Task.IsCompleted);
        var stats = provider.GetStats().Sinks.Single();
        Assert.Equal(1, stats.Failed);

        sink.Gate.SetResult();
        await sink.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
