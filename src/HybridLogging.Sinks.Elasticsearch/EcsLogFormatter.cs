using System.Buffers;
using HybridLogging.Formatting;
using HybridLogging.Sinks.Elasticsearch.Internal.Ecs;

namespace HybridLogging;

/// <summary>
/// Writes each entry as one Elastic Common Schema document (a JSON object and <c>\n</c>), the shape the Elasticsearch
/// sink indexes; usable by any sink that takes formatted records (for example a file read by Filebeat). The field
/// mapping is in the package README.
/// </summary>
public sealed class EcsLogFormatter : LogEntryFormatter
{
    private readonly EcsDocumentWriter _writer;

    /// <summary>Creates a formatter whose <c>service.name</c> and <c>service.environment</c> come from the entry's metadata (keys <c>service</c> and <c>environment</c>).</summary>
    public EcsLogFormatter()
        : this(null, null)
    {
    }

    /// <summary>Creates a formatter with a fixed <c>service.name</c> and <c>service.environment</c> (null: from the entry's metadata keys <c>service</c> and <c>environment</c>).</summary>
    public EcsLogFormatter(string? serviceName, string? serviceEnvironment)
    {
        ServiceName = string.IsNullOrEmpty(serviceName) ? null : serviceName;
        ServiceEnvironment = string.IsNullOrEmpty(serviceEnvironment) ? null : serviceEnvironment;
        _writer = new EcsDocumentWriter(ServiceName, ServiceEnvironment);

        // Both settings change the output, so they are part of the key: destinations share one formatting of each entry
        // only when they would write the same bytes.
        Key = ServiceName is null && ServiceEnvironment is null
            ? "ecs"
            : $"ecs;service={ServiceName};environment={ServiceEnvironment}";
    }

    /// <summary>The fixed <c>service.name</c>, or null (taken from the entry's metadata).</summary>
    public string? ServiceName { get; }

    /// <summary>The fixed <c>service.environment</c>, or null (taken from the entry's metadata).</summary>
    public string? ServiceEnvironment { get; }

    /// <summary><c>ecs</c>, followed by the service settings when they are set.</summary>
    public override string Key { get; }

    /// <inheritdoc />
    public override void Write(LogEntryView entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(output);
        _writer.Write(entry, output);
    }
}
