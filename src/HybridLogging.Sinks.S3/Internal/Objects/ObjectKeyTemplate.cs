using System.Globalization;
using System.Text;

namespace HybridLogging.Sinks.S3.Internal.Objects;

/// <summary>
/// Renders object keys from a template. Parsed once into literal and token parts, so a key costs one small string.
/// </summary>
internal sealed class ObjectKeyTemplate
{
    private static readonly string[] Tokens = ["prefix", "yyyy", "MM", "dd", "HH", "machine", "utcStamp", "sequence", "extension"];

    private readonly (string? Literal, string? Token)[] _parts;
    private readonly string _prefix;
    private readonly string _machine;
    private readonly string _utcStamp;
    private readonly string _extension;

    public ObjectKeyTemplate(S3SinkOptions options, DateTimeOffset started)
    {
        Text = options.KeyTemplate ?? DefaultTemplate(options.PartitionStyle);
        _parts = Parse(Text) ?? throw new ArgumentException($"Invalid key template '{Text}'.", nameof(options));
        _prefix = options.Prefix;
        _machine = Sanitize(options.MachineName ?? Environment.MachineName);
        _utcStamp = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        _extension = Extension(options.Compression);
    }

    /// <summary>The template in use.</summary>
    public string Text { get; }

    public static string DefaultTemplate(S3PartitionStyle style) => style == S3PartitionStyle.Hive
        ? "{prefix}/year={yyyy}/month={MM}/day={dd}/hour={HH}/{machine}-{utcStamp}-{sequence}{extension}"
        : "{prefix}/{yyyy}/{MM}/{dd}/{HH}/{machine}-{utcStamp}-{sequence}{extension}";

    public static string Extension(S3Compression compression) => compression switch
    {
        S3Compression.Zstd => ".ndjson.zst",
        S3Compression.None => ".ndjson",
        _ => ".ndjson.gz",
    };

    /// <summary>Null when <paramref name="template"/> is usable, otherwise what is wrong with it.</summary>
    public static string? Check(string template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "must not be empty";
        }

        if (Parse(template) is not { } parts)
        {
            return $"has an unknown or unclosed token (known: {string.Join(", ", Tokens.Select(t => "{" + t + "}"))})";
        }

        if (!parts.Any(p => p.Token == "sequence"))
        {
            return "must contain {sequence}, which keeps keys unique";
        }

        return template.StartsWith('/') ? "must not start with '/'" : null;
    }

    /// <summary>The key of object number <paramref name="sequence"/> holding entries of the UTC hour <paramref name="hour"/>.</summary>
    public string Render(DateTime hour, long sequence)
    {
        var builder = new StringBuilder(128);
        foreach (var (literal, token) in _parts)
        {
            if (literal is not null)
            {
                builder.Append(literal);
                continue;
            }

            var inv = CultureInfo.InvariantCulture;
            _ = token switch
            {
                "prefix" => builder.Append(_prefix),
                "yyyy" => builder.Append(hour.Year.ToString("D4", inv)),
                "MM" => builder.Append(hour.Month.ToString("D2", inv)),
                "dd" => builder.Append(hour.Day.ToString("D2", inv)),
                "HH" => builder.Append(hour.Hour.ToString("D2", inv)),
                "machine" => builder.Append(_machine),
                "utcStamp" => builder.Append(_utcStamp),
                "sequence" => builder.Append(sequence.ToString("D6", inv)),
                _ => builder.Append(_extension),
            };
        }

        // An empty prefix would leave a leading slash (an empty first path segment): S3 allows it, query engines do not.
        var key = builder.ToString();
        return key.StartsWith('/') ? key.TrimStart('/') : key;
    }

    private static (string? Literal, string? Token)[]? Parse(string template)
    {
        var parts = new List<(string?, string?)>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                parts.Add((template[i..], null));
                break;
            }

            if (open > i)
            {
                parts.Add((template[i..open], null));
            }

            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                return null;
            }

            var token = template[(open + 1)..close];
            if (!Tokens.Contains(token, StringComparer.Ordinal))
            {
                return null;
            }

            parts.Add((null, token));
            i = close + 1;
        }

        return [.. parts];
    }

    private static string Sanitize(string machine)
    {
        var chars = machine.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '-' or '_' or '.'))
            {
                chars[i] = '-';
            }
        }

        return chars.Length == 0 ? "unknown" : new string(chars);
    }
}
