using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace HybridLogging.Internal;

/// <summary>
/// Follows edits of <c>Logging:HybridLogging</c> and hands each new configuration to the provider, or rejects it, and
/// reports every rejected edit exactly once, with its reason (self-log, <see cref="HybridLoggingStats.RejectedReloads"/>,
/// and the <c>hybridlogging.configuration.reloads</c> metric).
/// </summary>
/// <remarks>
/// It listens to the configuration itself rather than <c>IOptionsMonitor.OnChange</c>: a value the binder cannot convert
/// (<c>"FlushInterval": "abc"</c>) throws inside the monitor's change callback, on the file watcher's thread, and the
/// listener is never called. Building the options here through <see cref="IOptionsFactory{TOptions}"/> (the same
/// binding, code configuration and validators) catches that. A file that cannot be parsed at all never raises a change;
/// the file source's <c>OnLoadException</c> callback is the only signal, so it is chained for every reloading file.
/// File watchers deliver one save as several reloads: a reload whose <c>Logging:HybridLogging</c> content equals the
/// last one seen is skipped, so it is neither applied twice nor reported twice. While a file cannot be loaded, reloads
/// raised by other sources are rejected too: that file's settings are missing from them. Files are found among the
/// providers of the app's <c>IConfiguration</c> service. An app that registers its own change sources for the options
/// (<c>IOptionsChangeTokenSource</c>) is also followed through <c>IOptionsMonitor.OnChange</c>, as before; those
/// reloads get no deduplication.
/// </remarks>
internal sealed class ConfigurationReloader : IDisposable
{
    public const string Rejected = "Configuration reload ignored; the last good configuration stays in force: ";
    public const string Partial = "Configuration reload applied in part: ";

    private readonly IConfiguration _section;
    private readonly IOptionsFactory<HybridLoggingOptions> _factory;
    private readonly Func<HybridLoggingOptions, (bool Applied, IReadOnlyList<string> Errors)> _apply;
    private readonly ReloadCounters _counters;
    private readonly Lock _gate = new();
    private readonly IDisposable _registration;
    private readonly IDisposable? _otherSources;
    private readonly List<(FileConfigurationSource Source, Action<FileLoadExceptionContext>? Previous, Action<FileLoadExceptionContext> Ours)> _hooks = [];
    private readonly List<(string Path, IChangeToken Loaded)> _unloadable = [];
    private string _lastContent;
    private string? _lastLoadError;

    public ConfigurationReloader(
        IConfiguration section,
        IOptionsFactory<HybridLoggingOptions> factory,
        IConfiguration? root,
        Func<HybridLoggingOptions, (bool Applied, IReadOnlyList<string> Errors)> apply,
        ReloadCounters counters,
        IOptionsMonitor<HybridLoggingOptions>? otherSources)
    {
        _section = section;
        _factory = factory;
        _apply = apply;
        _counters = counters;
        _lastContent = ConfigSnapshot.Text(section);
        _registration = ChangeToken.OnChange(section.GetReloadToken, OnChanged);
        _otherSources = otherSources?.OnChange(options =>
        {
            lock (_gate)
            {
                ApplyAndReport(options, _apply, _counters);
            }
        });
        HookFileLoadErrors(root);
    }

    /// <summary>Applies options built elsewhere (an <c>IOptionsMonitor</c> change when no provider configuration is available).</summary>
    public static void ApplyAndReport(HybridLoggingOptions options, Func<HybridLoggingOptions, (bool Applied, IReadOnlyList<string> Errors)> apply, ReloadCounters counters)
    {
        try
        {
            var (applied, errors) = apply(options);
            Report(applied, errors, counters);
        }
        catch (Exception ex)
        {
            counters.Reject(Rejected + ex.Message);
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _otherSources?.Dispose();
        foreach (var (source, previous, ours) in _hooks)
        {
            if (source.OnLoadException == ours)
            {
                source.OnLoadException = previous;
            }
        }
    }

    private void OnChanged()
    {
        lock (_gate)
        {
            _lastLoadError = null;
            var content = ConfigSnapshot.Text(_section);
            if (string.Equals(content, _lastContent, StringComparison.Ordinal))
            {
                return;
            }

            _lastContent = content;

            // A file that failed to load has lost all its settings until it loads again (the provider empties it before
            // it throws): a reload raised by another source meanwhile would apply configuration without them, for
            // example remove every destination declared there. The provider's reload token fires on its next good load.
            _unloadable.RemoveAll(f => f.Loaded.HasChanged);
            if (_unloadable.Count > 0)
            {
                _counters.Reject(Rejected + string.Join(", ", _unloadable.Select(f => f.Path).Distinct()) + " could not be loaded, so the settings it holds would be missing.");
                return;
            }

            HybridLoggingOptions options;
            try
            {
                options = _factory.Create(Options.DefaultName);
            }
            catch (OptionsValidationException ex)
            {
                _counters.Reject(Rejected + string.Join(" ", ex.Failures));
                return;
            }
            catch (Exception ex)
            {
                // The binder's conversion errors: "Failed to convert configuration value 'abc' at 'FlushInterval' ...".
                _counters.Reject(Rejected + Describe(ex));
                return;
            }

            ApplyAndReport(options, _apply, _counters);
        }
    }

    private static void Report(bool applied, IReadOnlyList<string> errors, ReloadCounters counters)
    {
        if (!applied && errors.Count == 0)
        {
            return; // the provider is shutting down
        }

        if (errors.Count == 0)
        {
            counters.CountApplied();
        }
        else
        {
            counters.Reject((applied ? Partial : Rejected) + string.Join(" ", errors));
        }
    }

    private void HookFileLoadErrors(IConfiguration? root)
    {
        if (root is not IConfigurationRoot configurationRoot)
        {
            return;
        }

        foreach (var provider in configurationRoot.Providers.OfType<FileConfigurationProvider>())
        {
            var source = provider.Source;
            if (!source.ReloadOnChange)
            {
                continue;
            }

            var previous = source.OnLoadException;
            Action<FileLoadExceptionContext> ours = context =>
            {
                OnLoadError(context);
                previous?.Invoke(context);
            };
            source.OnLoadException = ours;
            _hooks.Add((source, previous, ours));
        }
    }

    private void OnLoadError(FileLoadExceptionContext context)
    {
        try
        {
            var message = Rejected + Describe(context.Exception);
            lock (_gate)
            {
                _unloadable.Add((context.Provider.Source.Path ?? "a configuration file", context.Provider.GetReloadToken()));
                if (string.Equals(message, _lastLoadError, StringComparison.Ordinal))
                {
                    return;
                }

                _lastLoadError = message;
            }

            _counters.Reject(message);
        }
        catch (Exception ex)
        {
            SelfLog.Report("Reporting a configuration load error failed: " + ex.Message);
        }
    }

    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{ex.Message} {inner.Message}" : ex.Message;
}
