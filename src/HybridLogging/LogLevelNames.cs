using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>The level names used in JSON and text output.</summary>
internal static class LogLevelNames
{
    /// <summary>Returns TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or NONE.</summary>
    public static string Get(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "NONE",
    };

    /// <summary>Parses a level name (TRACE..CRITICAL, or a <see cref="LogLevel"/> name), case-insensitive.</summary>
    public static bool TryParse(string? text, out LogLevel level)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TRACE": level = LogLevel.Trace; return true;
            case "DEBUG": level = LogLevel.Debug; return true;
            case "INFO" or "INFORMATION": level = LogLevel.Information; return true;
            case "WARN" or "WARNING": level = LogLevel.Warning; return true;
            case "ERROR": level = LogLevel.Error; return true;
            case "CRITICAL" or "FATAL": level = LogLevel.Critical; return true;
            case "NONE": level = LogLevel.None; return true;
            default: level = LogLevel.None; return false;
        }
    }
}
