using System.Text.RegularExpressions;

namespace HybridLogging;

/// <summary>
/// Settings of an Amazon Kinesis Data Streams destination. The pipeline settings of the destination (batching, queue,
/// retries, backoff) are the separate <see cref="SinkOptions"/>.
/// </summary>
/// <remarks>
/// Each record's data is one or more JSON lines (each entry as <see cref="Formatting.JsonLogFormatter"/> writes it,
/// <c>\n</c>-terminated), optionally gzip-compressed. Credentials come from the standard AWS chain (environment, shared
/// profile, web identity, container and instance metadata) and never from these settings.
/// </remarks>
public sealed partial class KinesisSinkOptions
{
    /// <summary>Largest record the service accepts on a stream raised to the maximum (10 MiB, 10,485,760 bytes).</summary>
    public const int ServiceMaxRecordBytes = 10 * 1024 * 1024;

    /// <summary>Largest PutRecords request the service accepts (10 MiB, 10,485,760 bytes, data plus partition keys).</summary>
    public const int ServiceMaxRequestBytes = 10 * 1024 * 1024;

    /// <summary>Most records in one PutRecords request (500).</summary>
    public const int ServiceMaxRecordsPerRequest = 500;

    /// <summary>Longest partition key, in Unicode characters (256).</summary>
    public const int MaxPartitionKeyLength = 256;

    /// <summary>Smallest allowed <see cref="MaxRecordBytes"/> (1 KiB).</summary>
    public const int MinRecordBytes = 1024;

    /// <summary>
    /// Name of the stream (1–128 characters of <c>[a-zA-Z0-9_.-]</c>). Either this or <see cref="StreamArn"/> is required.
    /// Default null.
    /// </summary>
    public string? StreamName { get; set; }

    /// <summary>
    /// ARN of the stream (<c>arn:aws:kinesis:REGION:ACCOUNT:stream/NAME</c>); sent instead of the name when set, as AWS
    /// recommends, and needed for a stream of another account. Default null.
    /// </summary>
    public string? StreamArn { get; set; }

    /// <summary>
    /// AWS region (for example <c>eu-west-1</c>). Default null: resolved like the AWS SDK does (<c>AWS_REGION</c>,
    /// <c>AWS_DEFAULT_REGION</c>, the shared profile, instance metadata); a clear configuration error when none is found.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// Endpoint to send to instead of the region's public one, for example a VPC endpoint or a local emulator
    /// (<c>http://127.0.0.1:4567</c>). Default null.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Where each record's partition key comes from. Default <see cref="KinesisPartitionKeySource.CorrelationId"/>.</summary>
    public KinesisPartitionKeySource PartitionKey { get; set; } = KinesisPartitionKeySource.CorrelationId;

    /// <summary>
    /// The field whose value is the partition key when <see cref="PartitionKey"/> is
    /// <see cref="KinesisPartitionKeySource.Property"/>: a top-level field of the JSON line (<c>userId</c>,
    /// <c>requestId</c>, ...) or a property of the entry. Default null (required with that source).
    /// </summary>
    public string? PartitionKeyProperty { get; set; }

    /// <summary>
    /// Whether several entries with the same partition key share one record, as newline-delimited JSON, up to
    /// <see cref="MaxRecordBytes"/>. Fewer, larger records cost less (Kinesis bills each record in 25 KB units and
    /// limits each shard to 1,000 records a second); consumers split the data at <c>\n</c>. Default false (one entry
    /// per record).
    /// </summary>
    public bool AggregateEntries { get; set; }

    /// <summary>How each record's data is encoded. Default <see cref="KinesisCompression.None"/>.</summary>
    public KinesisCompression Compression { get; set; } = KinesisCompression.None;

    /// <summary>
    /// Largest record sent, in bytes, counting the data (after compression) and the UTF-8 partition key, as the service
    /// does. An entry that does not fit alone is failed with the reason <c>tooLarge</c>. Set it to the stream's maximum
    /// record size when that was raised (up to 10 MiB). Between 1 KiB and 10 MiB. Default 1 MiB (1,048,576).
    /// </summary>
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest PutRecords request, in bytes of data plus partition keys. Default 5 MiB (5,242,880), the long-standing
    /// limit; the service now accepts 10 MiB. At least <see cref="MaxRecordBytes"/>, at most 10 MiB.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most records in one PutRecords request. Between 1 and 500. Default 500.</summary>
    public int MaxRecordsPerRequest { get; set; } = ServiceMaxRecordsPerRequest;

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string sinkName)
    {
        var errors = new List<string>();
        var prefix = $"Kinesis sink '{sinkName}':";
        if (string.IsNullOrWhiteSpace(StreamName) && string.IsNullOrWhiteSpace(StreamArn))
        {
            errors.Add($"{prefix} StreamName or StreamArn is required.");
        }

        if (StreamName is { Length: > 0 } name && !StreamNamePattern().IsMatch(name))
        {
            errors.Add($"{prefix} StreamName must be 1-128 characters of letters, digits, '_', '.' and '-' (was '{name}').");
        }

        if (StreamArn is { Length: > 0 } arn && (arn.Length > 2048 || !StreamArnPattern().IsMatch(arn)))
        {
            errors.Add($"{prefix} StreamArn must look like arn:aws:kinesis:REGION:ACCOUNT:stream/NAME (was '{arn}').");
        }

        if (Region is not null && !RegionPattern().IsMatch(Region))
        {
            errors.Add($"{prefix} Region must be a region name such as eu-west-1 (was '{Region}').");
        }

        if (ServiceUrl is not null &&
            (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{prefix} ServiceUrl must be an absolute http or https URL (was '{ServiceUrl}').");
        }

        if (!Enum.IsDefined(PartitionKey))
        {
            errors.Add($"{prefix} PartitionKey must be CorrelationId, Source, Random or Property (was {PartitionKey}).");
        }
        else if (PartitionKey == KinesisPartitionKeySource.Property && string.IsNullOrWhiteSpace(PartitionKeyProperty))
        {
            errors.Add($"{prefix} PartitionKeyProperty is required when PartitionKey is Property.");
        }

        if (!Enum.IsDefined(Compression))
        {
            errors.Add($"{prefix} Compression must be None or Gzip (was {Compression}).");
        }

        var recordBytesValid = MaxRecordBytes is >= MinRecordBytes and <= ServiceMaxRecordBytes;
        if (!recordBytesValid)
        {
            errors.Add($"{prefix} MaxRecordBytes must be between {MinRecordBytes} and {ServiceMaxRecordBytes} (was {MaxRecordBytes}).");
        }

        // Compared with MaxRecordBytes only when that is valid, so one mistake gives one message.
        if ((recordBytesValid && MaxRequestBytes < MaxRecordBytes) || MaxRequestBytes is < MinRecordBytes or > ServiceMaxRequestBytes)
        {
            errors.Add($"{prefix} MaxRequestBytes must be between MaxRecordBytes ({MaxRecordBytes}) and {ServiceMaxRequestBytes} (was {MaxRequestBytes}).");
        }

        if (MaxRecordsPerRequest is < 1 or > ServiceMaxRecordsPerRequest)
        {
            errors.Add($"{prefix} MaxRecordsPerRequest must be between 1 and {ServiceMaxRecordsPerRequest} (was {MaxRecordsPerRequest}).");
        }

        return errors;
    }

    internal KinesisSinkOptions Clone() => (KinesisSinkOptions)MemberwiseClone();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,128}$")]
    private static partial Regex StreamNamePattern();

    [GeneratedRegex(@"^arn:aws[a-z\-]*:kinesis:[a-z0-9\-]+:\d{12}:stream/[a-zA-Z0-9_.-]{1,128}$")]
    private static partial Regex StreamArnPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d{1,2}$")]
    private static partial Regex RegionPattern();
}
