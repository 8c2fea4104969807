using Amazon.Runtime;
using HybridLogging.Sinks.CloudWatch.Internal.Naming;

namespace HybridLogging;

/// <summary>
/// Settings of an Amazon CloudWatch Logs destination. The pipeline settings of the destination (batching, queue,
/// retries) are the separate <see cref="SinkOptions"/>. Credentials come from the standard AWS chain (environment,
/// shared profile, web identity, container and instance metadata) unless <see cref="Credentials"/> is set in code.
/// </summary>
public sealed class CloudWatchSinkOptions
{
    /// <summary>The service's limit on one event's message (1 MiB less the 26 bytes of per-event overhead): 1,048,550 bytes.</summary>
    public const int ServiceMaxEventSizeBytes = 1_048_550;

    /// <summary>The service's limit on one PutLogEvents call: 1,048,576 bytes (messages in UTF-8 plus 26 bytes per event).</summary>
    public const int ServiceMaxRequestBytes = 1_048_576;

    /// <summary>The service's limit on events per PutLogEvents call: 10,000.</summary>
    public const int ServiceMaxEventsPerRequest = 10_000;

    /// <summary>
    /// The log group: 1–512 characters of <c>A–Z a–z 0–9 . - _ / #</c>. Created when missing if
    /// <see cref="CreateLogGroup"/> is set. Default <c>/hybridlogging</c>.
    /// </summary>
    public string LogGroupName { get; set; } = "/hybridlogging";

    /// <summary>
    /// Template of the log stream name. Tokens: <c>{environment}</c>, <c>{source}</c>, <c>{machine}</c>,
    /// <c>{processId}</c> and <c>{date}</c> (the entry's UTC date, <c>yyyy-MM-dd</c>). Token values have <c>:</c> and
    /// <c>*</c> replaced by <c>_</c>; the result is cut to 512 characters. Default <c>{environment}-{source}-{date}</c>.
    /// </summary>
    public string LogStreamNameTemplate { get; set; } = "{environment}-{source}-{date}";

    /// <summary>
    /// Whether <c>{source}</c> is each entry's source, giving one log stream per source. When false, <c>{source}</c> is
    /// <see cref="SourceName"/> and all entries of a day share one stream. Default false.
    /// </summary>
    public bool StreamPerSource { get; set; }

    /// <summary>The value of <c>{source}</c> when <see cref="StreamPerSource"/> is false. Default null: the entry assembly's name (or <c>app</c>).</summary>
    public string? SourceName { get; set; }

    /// <summary>
    /// The value of <c>{environment}</c>. Default null: <c>DOTNET_ENVIRONMENT</c>, else <c>ASPNETCORE_ENVIRONMENT</c>, else
    /// <c>Production</c>.
    /// </summary>
    public string? Environment { get; set; }

    /// <summary>Whether the log group is created when missing (needs <c>logs:CreateLogGroup</c>). Default true.</summary>
    public bool CreateLogGroup { get; set; } = true;

    /// <summary>Whether log streams are created when missing (needs <c>logs:CreateLogStream</c>). Default true.</summary>
    public bool CreateLogStream { get; set; } = true;

    /// <summary>
    /// Retention, in days, applied when this sink creates the log group (later changes through
    /// <c>HybridLoggerProvider.UpdateRetentionPolicyAsync</c>). One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
    /// 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. Default null: the group keeps events forever.
    /// </summary>
    public int? RetentionDays { get; set; }

    /// <summary>The AWS region (for example <c>eu-west-1</c>). Default null: <c>AWS_REGION</c>, the shared profile or instance metadata.</summary>
    public string? Region { get; set; }

    /// <summary>An endpoint that replaces the regional one (a compatible service or an emulator). Default null.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// Largest message of one event, in bytes of UTF-8; larger entries are truncated at a UTF-8 boundary, kept valid JSON,
    /// marked with <c>"truncated"</c> and counted. Between 1,024 and 1,048,550. Default 1,048,550 (set 262,118 for the
    /// older 256 KB limit).
    /// </summary>
    public int MaxEventSizeBytes { get; set; } = ServiceMaxEventSizeBytes;

    /// <summary>Most events in one PutLogEvents call. Between 1 and 10,000. Default 10,000.</summary>
    public int MaxEventsPerRequest { get; set; } = ServiceMaxEventsPerRequest;

    /// <summary>
    /// Largest PutLogEvents call, counted as the service counts it (messages in UTF-8 plus 26 bytes per event). Between
    /// <see cref="MaxEventSizeBytes"/> + 26 and 1,048,576. Default 1,048,576.
    /// </summary>
    public int MaxRequestBytes { get; set; } = ServiceMaxRequestBytes;

    /// <summary>Most PutLogEvents calls in flight at once for one batch. Between 1 and 32. Default 4.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Longest time one HTTP request may take. Between 1 s and 5 min. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Credentials to sign with, set in code (tests, or an application that resolves its own). Never read from
    /// configuration and never printed. Default null: the standard AWS credential chain.
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Creates the HTTP handler that sends the signed requests, for example
    /// <c>() =&gt; services.GetRequiredService&lt;IHttpMessageHandlerFactory&gt;().CreateHandler("cloudwatch")</c>. It must
    /// not follow redirects. Default null: a pooled <see cref="SocketsHttpHandler"/>.
    /// </summary>
    public Func<HttpMessageHandler>? HttpHandlerFactory { get; set; }

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string sinkName)
    {
        var errors = new List<string>();
        var prefix = $"CloudWatch sink '{sinkName}': ";
        if (LogNameRules.CheckGroupName(LogGroupName) is { } groupError)
        {
            errors.Add(prefix + "LogGroupName " + groupError);
        }

        if (StreamNameTemplate.Check(LogStreamNameTemplate) is { } templateError)
        {
            errors.Add(prefix + "LogStreamNameTemplate " + templateError);
        }

        if (RetentionDays is { } days && !RetentionPeriods.IsAccepted(days))
        {
            errors.Add(prefix + $"RetentionDays must be one of {RetentionPeriods.Describe()} (was {days}).");
        }

        if (ServiceUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add(prefix + $"ServiceUrl must be an absolute http or https URL (was '{url}').");
        }

        if (MaxEventSizeBytes is < 1024 or > ServiceMaxEventSizeBytes)
        {
            errors.Add(prefix + $"MaxEventSizeBytes must be between 1024 and {ServiceMaxEventSizeBytes} (was {MaxEventSizeBytes}).");
        }

        if (MaxEventsPerRequest is < 1 or > ServiceMaxEventsPerRequest)
        {
            errors.Add(prefix + $"MaxEventsPerRequest must be between 1 and {ServiceMaxEventsPerRequest} (was {MaxEventsPerRequest}).");
        }

        if (MaxRequestBytes < (long)MaxEventSizeBytes + 26 || MaxRequestBytes > ServiceMaxRequestBytes)
        {
            errors.Add(prefix + $"MaxRequestBytes must be between MaxEventSizeBytes + 26 and {ServiceMaxRequestBytes} (was {MaxRequestBytes}).");
        }

        if (MaxConcurrentRequests is < 1 or > 32)
        {
            errors.Add(prefix + $"MaxConcurrentRequests must be between 1 and 32 (was {MaxConcurrentRequests}).");
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add(prefix + $"RequestTimeout must be between 1 second and 5 minutes (was {RequestTimeout}).");
        }

        return errors;
    }

    internal CloudWatchSinkOptions Clone() => (CloudWatchSinkOptions)MemberwiseClone();
}
