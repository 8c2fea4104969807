using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests.Configuration;

/// <summary>
/// An app as users build it: a host whose configuration is a real <c>appsettings.json</c> in a temp folder, loaded with
/// <c>reloadOnChange</c>, and HybridLogging registered without code options. Edits go through the file watcher.
/// </summary>
internal sealed class AppSettingsApp : IAsyncDisposable
{
    private readonly IHost _host;

    private AppSettingsApp(string folder, string file, IHost host)
    {
        Folder = folder;
        File = file;
        _host = host;
        Provider = host.Services.GetRequiredService<HybridLoggerProvider>();
    }

    public string Folder { get; }

    public string File { get; }

    public HybridLoggerProvider Provider { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Writes <paramref name="json"/> to <c>appsettings.json</c> in <paramref name="folder"/> (and <paramref name="overrideJson"/>,
    /// if given, to <c>appsettings.override.json</c>, loaded after it), builds the host and resolves the provider (which is
    /// where start-up fails).
    /// </summary>
    public static AppSettingsApp Start(string folder, string json, string? overrideJson = null)
    {
        var file = Path.Combine(folder, "appsettings.json");
        System.IO.File.WriteAllText(file, json);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder });
        builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true);
        if (overrideJson is not null)
        {
            var overrideFile = Path.Combine(folder, "appsettings.override.json");
            System.IO.File.WriteAllText(overrideFile, overrideJson);
            builder.Configuration.AddJsonFile(overrideFile, optional: false, reloadOnChange: true);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddHybridLogging();
        var host = builder.Build();
        try
        {
            return new AppSettingsApp(folder, file, host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Builds the JSON of an <c>appsettings.json</c> with <paramref name="hybridLogging"/> as <c>Logging:HybridLogging</c>.</summary>
    public static string Json(object hybridLogging) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Logging"] = new Dictionary<string, object> { ["HybridLogging"] = hybridLogging } });

    public ILogger Logger(string category = "App.Orders") => _host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    /// <summary>Rewrites the file; the host's file watcher reloads it.</summary>
    // Saved as most editors save: the whole new content replaces the file at once (write aside, then rename over it).
    // An in-place write lets a file watcher read the file truncated, a second, different load error that made tests
    // counting rejected reloads flaky under load.
    public async Task EditAsync(string json)
    {
        var aside = File + ".saving";
        await System.IO.File.WriteAllTextAsync(aside, json, TestContext.Current.CancellationToken);
        System.IO.File.Move(aside, File, overwrite: true);
    }

    public Task FlushAsync() => Provider.FlushAsync(TestContext.Current.CancellationToken);

    public SinkStats? Sink(string name) => Provider.GetStats().Sinks.FirstOrDefault(s => s.Name == name && s.Stream is null);

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        _host.Dispose();
    }
}
