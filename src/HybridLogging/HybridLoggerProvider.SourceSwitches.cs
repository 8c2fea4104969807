using System.Collections.Immutable;
using HybridLogging.Internal;

namespace HybridLogging;

// Run-time source switches, layered over the configured sources (kept apart from the provider's lifecycle code).
public sealed partial class HybridLoggerProvider
{
    // Replaced whole under _reconfigureLock and applied each time settings are built, so switches outlive reloads.
    private ImmutableDictionary<string, bool> _sourceSwitches = ImmutableDictionary.Create<string, bool>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Switches a source on or off at run time, for every logger of a category that maps to it (existing ones included,
    /// effective for the next call) and for <see cref="HybridLogAggregator"/> calls naming it. The switch is layered over
    /// <see cref="HybridLoggingOptions.Sources"/> and outlives configuration reloads until
    /// <see cref="ClearSourceOverride"/> removes it: switched off, the source logs nothing whatever its configured
    /// settings; switched on, it logs even if configured <see cref="SourceOptions.Enabled"/> is false, at the level its
    /// configuration gives. A disabled call costs what any disabled level check costs (one field read, no allocation).
    /// Each switch rebuilds the pipeline's settings as a reload does: meant for operators and feature flags, not for
    /// every request.
    /// </summary>
    /// <param name="source">The source name as written in entries (a category's source, for example <c>HybridRouter</c>); case-insensitive.</param>
    /// <param name="enabled">Whether the source logs.</param>
    public void SetSourceEnabled(string source, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_reconfigureLock)
        {
            _sourceSwitches = _sourceSwitches.SetItem(source, enabled);
            PublishSettings(_options);
        }
    }

    /// <summary>
    /// Removes the run-time switch <see cref="SetSourceEnabled"/> set for <paramref name="source"/>, so its configured
    /// settings apply again. Returns false when there was none.
    /// </summary>
    /// <param name="source">The source name (case-insensitive).</param>
    public bool ClearSourceOverride(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_reconfigureLock)
        {
            if (!_sourceSwitches.ContainsKey(source))
            {
                return false;
            }

            _sourceSwitches = _sourceSwitches.Remove(source);
            PublishSettings(_options);
            return true;
        }
    }

    /// <summary>The source a logger of <paramref name="category"/> writes under (after the configured source mappings).</summary>
    internal string ResolveSource(string category) => Pipeline.Settings.ResolveSource(category);

    /// <summary>
    /// Builds the settings from <paramref name="options"/> and the source switches, publishes them and refreshes every
    /// known logger's cached level (a logger created meanwhile checks for itself in <see cref="CreateLogger"/>).
    /// Callers hold <see cref="_reconfigureLock"/>.
    /// </summary>
    private void PublishSettings(HybridLoggingOptions options)
    {
        var settings = new PipelineSettings(options, _sourceSwitches);
        Pipeline.Settings = settings;
        foreach (var logger in _loggers.Values)
        {
            logger.State = settings.ResolveCategory(logger.State.Category);
        }
    }
}
