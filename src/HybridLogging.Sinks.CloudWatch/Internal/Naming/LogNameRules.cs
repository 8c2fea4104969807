namespace HybridLogging.Sinks.CloudWatch.Internal.Naming;

/// <summary>The service's naming rules (CreateLogGroup / CreateLogStream API reference).</summary>
internal static class LogNameRules
{
    public const int MaxNameLength = 512;

    /// <summary>Null when <paramref name="name"/> is a valid log group name, else what is wrong (after the setting's name).</summary>
    public static string? CheckGroupName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is required.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters (was {name.Length}).";
        }

        foreach (var c in name)
        {
            if (!IsGroupChar(c))
            {
                return $"may contain only A-Z, a-z, 0-9, '.', '-', '_', '/' and '#' (found '{c}' in '{name}').";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="name"/> is a valid log stream name, else what is wrong.</summary>
    public static string? CheckStreamName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is required.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters (was {name.Length}).";
        }

        return name.AsSpan().IndexOfAny(':', '*') >= 0 ? $"must not contain ':' or '*' (was '{name}')." : null;
    }

    private static bool IsGroupChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#';
}
