using HybridLogging.Internal.Redaction;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>Immutable snapshot of the reloadable options the dispatcher and loggers use; swapped wholesale on reload.</summary>
internal sealed class PipelineSettings
{
    private readonly KeyValuePair<string, LogLevel>[] _categoryLevels;
    private readonly KeyValuePair<string, string>[] _sourceMappings;
    private readonly Dictionary<string, SourceOptions> _sources;
    private readonly IReadOnlyDictionary<string, bool>? _sourceSwitches;
    private readonly SecretNames _secretNames;

    /// <param name="options">The options in force.</param>
    /// <param name="sourceSwitches">
    /// Run-time switches per source (<see cref="HybridLoggerProvider.SetSourceEnabled"/>), layered over
    /// <see cref="HybridLoggingOptions.Sources"/>: kept by the provider and passed again on every reload, so a switch
    /// outlives configuration changes. Compared case-insensitively, like the configured sources.
    /// </param>
    public PipelineSettings(HybridLoggingOptions options, IReadOnlyDictionary<string, bool>? sourceSwitches = null)
    {
        _sourceSwitches = sourceSwitches is { Count: > 0 } ? sourceSwitches : null;
        MinimumLevel = options.MinimumLevel;
        // Longest prefix first, so the first match is the most specific (MEL's rule selection).
        // "*" is the catch-all: rank it with the empty prefix, not as a one-character prefix, or it could shadow "A".
        _categoryLevels = [.. options.CategoryLevels.OrderByDescending(p => p.Key == "*" ? 0 : p.Key.Length)];
        _sourceMappings = [.. options.SourceMappings.OrderByDescending(p => p.Key.Length)];
        _sources = new(options.Sources, StringComparer.OrdinalIgnoreCase);
        _secretNames = new SecretNames(options.RedactedProperties);
        SecretValues = options.RedactSecretValues ? new SecretPatterns(_secretNames) : null;
        IncludeScopes = options.IncludeScopes;
        MaxMessageLength = options.MaxMessageLength;
        MaxProperties = options.MaxProperties;
        Limits = new ValueSnapshot.Limits(options.MaxPropertyLength, options.MaxPropertyDepth, options.MaxCollectionItems, IsRedacted, SecretValues);
        Metadata = options.Metadata.Count == 0 ? null : new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal);
    }

    public LogLevel MinimumLevel { get; }

    public bool IncludeScopes { get; }

    public int MaxMessageLength { get; }

    public int MaxProperties { get; }

    public ValueSnapshot.Limits Limits { get; }

    public IReadOnlyDictionary<string, string>? Metadata { get; }

    public string ResolveSource(string category)
    {
        foreach (var (prefix, source) in _sourceMappings)
        {
            if (category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return source;
            }
        }

        var lastDot = category.LastIndexOf('.');
        var name = lastDot >= 0 && lastDot < category.Length - 1 ? category[(lastDot + 1)..] : category;
        // Generic type names arrive as "Foo`1" or "Foo<Bar>": keep the readable part.
        var cut = name.AsSpan().IndexOfAny('`', '<');
        return cut > 0 ? name[..cut] : name;
    }

    public CategoryState ResolveCategory(string category)
    {
        var source = ResolveSource(category);
        // Precedence as documented on SourceOptions.MinimumLevel: a source's own level, when set, is the most targeted
        // knob and wins; otherwise the longest matching category prefix; otherwise the global minimum.
        // A run-time switch decides whether the source logs at all; the configured level still applies when it is on.
        bool? switched = _sourceSwitches is not null && _sourceSwitches.TryGetValue(source, out var on) ? on : null;
        LogLevel? level = null;
        if (_sources.TryGetValue(source, out var sourceOptions))
        {
            if (!(switched ?? sourceOptions.Enabled))
            {
                return new CategoryState(category, source, (int)LogLevel.None, this);
            }

            level = sourceOptions.MinimumLevel;
        }
        else if (switched == false)
        {
            return new CategoryState(category, source, (int)LogLevel.None, this);
        }

        if (level is null)
        {
            foreach (var (prefix, prefixLevel) in _categoryLevels)
            {
                if (category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || prefix == "*" || prefix.Length == 0)
                {
                    level = prefixLevel;
                    break;
                }
            }
        }

        level ??= MinimumLevel;
        return new CategoryState(category, source, (int)level.Value, this);
    }

    /// <summary>Whether a property name names a secret (by name tokens, see <see cref="SecretNames"/>).</summary>
    public bool IsRedacted(string key) => _secretNames.IsSecret(key);

    /// <summary>Secret-looking values to replace in messages and string values, or null when that is switched off.</summary>
    public SecretPatterns? SecretValues { get; }
}
