using HybridLogging.Sinks.File.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

[assembly: HybridLogging.LogSinkFactory(typeof(HybridLogging.FileSinkFactory))]

namespace HybridLogging;

/// <summary>
/// Creates file sinks for destinations declared in configuration with <c>"Type": "File"</c>; the destination's section
/// binds onto <see cref="FileSinkOptions"/>, for example
/// <c>"Logging:HybridLogging:Sinks:files": { "Type": "File", "Path": "logs/app.json", "MaxFileSizeBytes": 52428800 }</c>.
/// Found through the assembly's <see cref="LogSinkFactoryAttribute"/>, so no registration code is needed.
/// </summary>
public sealed class FileSinkFactory : IValidatingLogSinkFactory
{
    /// <inheritdoc />
    public string Type => "File";

    /// <inheritdoc />
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FileSink(context.Name, Bind(context), context.Services.GetService<TimeProvider>());
    }

    /// <summary>Checks the settings (a reload refuses invalid ones before it replaces a working file destination); opens nothing.</summary>
    public IReadOnlyList<string> Validate(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Bind(context).Validate(context.Name);
    }

    private static FileSinkOptions Bind(LogSinkContext context)
    {
        var options = new FileSinkOptions();
        context.Configuration.Bind(options);
        if (context.CompressionEnabled)
        {
            // A stream with CompressionEnabled asks its destinations to gzip what they can: for files, the rolled files.
            options.CompressRolledFiles = true;
        }

        return options;
    }
}
