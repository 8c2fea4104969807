using System.Globalization;
using System.Text;

namespace HybridLogging.Sinks.CloudWatch.Internal.Naming;

/// <summary>
/// A parsed log stream name template (<c>{environment}-{source}-{date}</c>). Names are cached per source and UTC day, so
/// resolving a record's stream costs one dictionary lookup.
/// </summary>
internal sealed class StreamNameTemplate
{
    private static readonly string[] Tokens = ["environment", "source", "machine", "processId", "date"];

    private readonly List<(bool IsToken, string Text)> _parts;
    private readonly string _environment;
    private readonly string _machine;
    private readonly string _processId;
    private readonly string? _fixedSource;
    private readonly Dictionary<(string Source, long Day), string> _cache = [];

    public StreamNameTemplate(string template, string environment, string? fixedSource)
    {
        _parts = Parse(template, out var error) ?? throw new ArgumentException(error, nameof(template));
        _environment = Clean(environment);
        _machine = Clean(System.Environment.MachineName);
        _processId = System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        _fixedSource = fixedSource is null ? null : Clean(fixedSource);
    }

    /// <summary>Whether names depend on the entry's source.</summary>
    public bool UsesRecordSource => _fixedSource is null && _parts.Exists(p => p.IsToken && p.Text == "source");

    /// <summary>Null when the template is usable, else what is wrong.</summary>
    public static string? Check(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "is required.";
        }

        _ = Parse(template, out var error);
        return error;
    }

    /// <summary>The stream name for an entry of <paramref name="source"/> logged at <paramref name="utcTicks"/>.</summary>
    public string Resolve(string source, long utcTicks)
    {
        var day = utcTicks / TimeSpan.TicksPerDay;
        var key = (_fixedSource is null ? source : string.Empty, day);
        if (_cache.TryGetValue(key, out var name))
        {
            return name;
        }

        if (_cache.Count > 4096)
        {
            // Bounded: many sources over many days would otherwise grow the cache for ever.
            _cache.Clear();
        }

        var builder = new StringBuilder();
        foreach (var (isToken, text) in _parts)
        {
            builder.Append(!isToken ? text : text switch
            {
                "environment" => _environment,
                "source" => _fixedSource ?? Clean(source.Length == 0 ? "default" : source),
                "machine" => _machine,
                "processId" => _processId,
                _ => new DateTime(day * TimeSpan.TicksPerDay, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
        }

        if (builder.Length > LogNameRules.MaxNameLength)
        {
            builder.Length = LogNameRules.MaxNameLength;
        }

        name = builder.ToString();
        _cache[key] = name;
        return name;
    }

    // Token values must not bring in the characters stream names forbid.
    private static string Clean(string value) => value.Replace(':', '_').Replace('*', '_');

    private static List<(bool, string)>? Parse(string template, out string? error)
    {
        var parts = new List<(bool, string)>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = template.IndexOf('}', i);
            if (close >= 0 && (open < 0 || close < open))
            {
                error = $"has a '}}' without '{{' (was '{template}').";
                return null;
            }

            if (open < 0)
            {
                parts.Add((false, template[i..]));
                break;
            }

            if (open > i)
            {
                parts.Add((false, template[i..open]));
            }

            if (close < 0)
            {
                error = $"has a '{{' without '}}' (was '{template}').";
                return null;
            }

            var token = template[(open + 1)..close];
            var known = Array.Find(Tokens, t => string.Equals(t, token, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                error = $"has an unknown token '{{{token}}}'; known tokens are {{environment}}, {{source}}, {{machine}}, {{processId}} and {{date}} (was '{template}').";
                return null;
            }

            parts.Add((true, known));
            i = close + 1;
        }

        foreach (var (isToken, text) in parts)
        {
            if (!isToken && text.AsSpan().IndexOfAny(':', '*') >= 0)
            {
                error = $"must not contain ':' or '*' (was '{template}').";
                return null;
            }
        }

        error = parts.Count == 0 ? "is required." : null;
        return error is null ? parts : null;
    }
}
