using Microsoft.Extensions.Configuration;

namespace HybridLogging.Internal;

/// <summary>Copies and compares configuration sections.</summary>
internal static class ConfigSnapshot
{
    public static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    /// <summary>
    /// A copy of a section's values. A sink created later (after a handover) from the live section would read whatever the
    /// file says by then, not the settings that were checked.
    /// </summary>
    public static IConfiguration Copy(IConfiguration section) =>
        new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null)).Build();

    public static IConfiguration FromSettings(IReadOnlyDictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>Every key and value of a section, sorted: equal text means equal settings.</summary>
    public static string Text(IConfiguration section) =>
        string.Join("\n", section.AsEnumerable(makePathsRelative: true).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value));
}
