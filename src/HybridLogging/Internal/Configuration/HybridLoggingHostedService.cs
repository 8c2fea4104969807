using Microsoft.Extensions.Hosting;

namespace HybridLogging.Internal;

/// <summary>Flushes the pipeline when the host stops, so entries logged during shutdown reach the sinks.</summary>
internal sealed class HybridLoggingHostedService(HybridLoggerProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await provider.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout elapsed; disposal drains what is left and counts any remainder.
        }
    }
}
