using System.Reflection;
using HybridLogging.Aws;
using HybridLogging.Formatting;
using HybridLogging.Sinks.CloudWatch.Internal.Batching;
using HybridLogging.Sinks.CloudWatch.Internal.Client;
using HybridLogging.Sinks.CloudWatch.Internal.Delivery;
using HybridLogging.Sinks.CloudWatch.Internal.Naming;

namespace HybridLogging.Sinks.CloudWatch.Internal;

/// <summary>
/// Writes JSON lines to CloudWatch Logs, one log event per entry. Only "emit this batch": the destination worker owns
/// batching, retries, backoff and accounting; this sink plans PutLogEvents calls within the service's rules
/// (<see cref="PutPlanner"/>), sends them (several at once), and marks each record's outcome (<see cref="PutSender"/>).
/// </summary>
internal sealed class CloudWatchLogsSink : IFormattedLogSink, ISupportsRetention, IReportsBytes
{
    // The worker's write timeout (30 s by default) bounds the wait too; the cap keeps one batch well inside it.
    private static readonly TimeSpan MaxAuthWait = TimeSpan.FromSeconds(10);

    private readonly CloudWatchSinkOptions _options;
    private readonly ICloudWatchLogsClient _client;
    private readonly TimeProvider _time;
    private readonly PutPlanner _planner;
    private readonly LogResources _resources;
    private readonly PutSender _sender;
    private readonly AuthBackoff _auth;
    private long _bytesWritten;

    public CloudWatchLogsSink(string name, CloudWatchSinkOptions options, ICloudWatchLogsClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _client = client;
        _time = time ?? TimeProvider.System;
        var template = new StreamNameTemplate(
            options.LogStreamNameTemplate,
            options.Environment ?? DefaultEnvironment(),
            options.StreamPerSource ? null : options.SourceName ?? DefaultSourceName());
        _planner = new PutPlanner(template, options.MaxEventSizeBytes, options.MaxEventsPerRequest, options.MaxRequestBytes);
        var reporter = new SinkReporter(name);
        _resources = new LogResources(client, options, reporter);
        _auth = new AuthBackoff(_time, reporter);
        _sender = new PutSender(client, _resources, _auth, reporter);
    }

    /// <summary>Creates the sink with the shared JSON 1.1 client (SigV4, credential chain, region) from the options.</summary>
    public static CloudWatchLogsSink Create(string name, CloudWatchSinkOptions options, TimeProvider? time = null)
    {
        var client = new CloudWatchLogsClient(new AwsConnectionSettings
        {
            Region = options.Region,
            ServiceUrl = options.ServiceUrl,
            Credentials = options.Credentials,
            HttpHandlerFactory = options.HttpHandlerFactory,
            RequestTimeout = options.RequestTimeout,
            RegionSettingName = $"Region (CloudWatch sink '{name}')",
        });
        return new CloudWatchLogsSink(name, options, client, time);
    }

    public string Name { get; }

    /// <summary>The settings (a snapshot; for tests and diagnostics).</summary>
    public CloudWatchSinkOptions Options => _options;

    /// <summary>Where requests go (for tests and diagnostics).</summary>
    public Uri? Endpoint => (_client as CloudWatchLogsClient)?.Endpoint;

    public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var wait = _auth.Remaining;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait < MaxAuthWait ? wait : MaxAuthWait, _time, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _resources.EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.IsRetryable)
        {
            // Thrown on: every record is retried by the worker with backoff.
            throw new IOException($"CloudWatch sink '{Name}': creating log group '{_options.LogGroupName}' failed: {ex.Message}", ex);
        }

        var calls = _planner.Plan(batch, out var truncated);
        if (truncated > 0)
        {
            batch.AddCount("truncated", truncated);
        }

        var counters = new PutCounters();
        if (calls.Count == 1 || _options.MaxConcurrentRequests == 1)
        {
            foreach (var call in calls)
            {
                await _sender.SendAsync(call, counters, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // Parallel puts to one stream are allowed since sequence tokens were retired. The tasks inherit this
            // execution context, so HybridLogging's suppression scope covers them too.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentRequests, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(calls, parallel, async (call, ct) => await _sender.SendAsync(call, counters, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        foreach (var call in calls)
        {
            call.ApplyTo(batch);
        }

        counters.ApplyTo(batch);
        Interlocked.Add(ref _bytesWritten, counters.Bytes);
    }

    public async ValueTask SetRetentionAsync(int days, CancellationToken cancellationToken)
    {
        if (!RetentionPeriods.IsAccepted(days))
        {
            throw new ArgumentException($"CloudWatch sink '{Name}': retention must be one of {RetentionPeriods.Describe()} days (was {days}).", nameof(days));
        }

        await _client.PutRetentionPolicyAsync(_options.LogGroupName, days, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"CloudWatch Logs sink '{Name}' ({_options.LogGroupName})";

    private static string DefaultEnvironment() =>
        System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet
        : "Production";

    private static string DefaultSourceName() => Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
}
