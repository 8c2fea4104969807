using HybridLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddHybridLogging(o => o.AddConsole()); // the file destination is declared in appsettings.json

using var host = builder.Build();
var logger = host.Services.GetRequiredService<ILogger<Program>>();

using (CorrelationContext.Begin(requestId: "req-42", userId: "user-7", sessionId: "session-1"))
{
    logger.LogInformation("Routed to {Provider} in {LatencyMs} ms", "bedrock", 118.4);
}

// Disposing the host (end of this scope) drains the pipeline: every entry is written before the process exits.
