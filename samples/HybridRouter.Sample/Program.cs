using System.Globalization;
using HybridLogging;
using HybridLogging.Insights;
using HybridRouter.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: dotnet run --project samples/HybridRouter.Sample -- [requestCount]   (default 50)
var requestCount = 50;
if (args.Length > 0 && !args[0].StartsWith('-'))
{
    if (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out requestCount) || requestCount < 1)
    {
        await Console.Error.WriteLineAsync($"The request count must be a positive whole number (was '{args[0]}').");
        return 1;
    }

    args = args[1..];
}

// The library's own diagnostics (for example a sink that cannot be created) go to stderr, never through the pipeline.
HybridSelfLog.Enable(message => Console.Error.WriteLine(message));

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    // appsettings.json is copied next to the binary; `dotnet run` from the repository root must still find it.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

builder.Logging.ClearProviders();
builder.Logging.AddHybridLogging(o =>
{
    o.AddConsole();
    // The file destination ("files", Type File, Path logs/hybrid-router.json) is declared in appsettings.json and
    // resolved by convention from HybridLogging.Sinks.File. With that package's API it can move here instead:
    // o.AddFile(f => f.Path = "logs/hybrid-router.json");
});

// In-process insights over every entry: patterns, errors, per-source health and alert rules; printed after the run.
// Raised alerts are also written as Critical entries of source AlertSystem.
builder.Logging.AddHybridInsights(SampleAlerts.Configure);

builder.Services.AddHybridRouterSimulation(new SimulationOptions { RequestCount = requestCount });

using var host = builder.Build();
await host.StartAsync();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
await host.Services.GetRequiredService<HybridRouter.Sample.HybridRouter>().RunAsync(lifetime.ApplicationStopping);

var insights = host.Services.GetRequiredService<LogInsights>();

// Stopping the host flushes the logging pipeline (HybridLogging's hosted service); disposal drains the rest.
await host.StopAsync();
InsightsReport.Write(insights, Console.Out);
return 0;
