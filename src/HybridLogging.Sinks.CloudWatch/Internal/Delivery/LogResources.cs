using System.Collections.Concurrent;
using HybridLogging.Aws;
using HybridLogging.Sinks.CloudWatch.Internal.Client;

namespace HybridLogging.Sinks.CloudWatch.Internal.Delivery;

/// <summary>
/// Creates the log group (with its retention) and log streams when missing, once each, and forgets them when the
/// service says they are gone so the next put recreates them.
/// </summary>
internal sealed class LogResources(ICloudWatchLogsClient client, CloudWatchSinkOptions options, SinkReporter reporter)
{
    private const string AlreadyExists = "ResourceAlreadyExistsException";

    private readonly ConcurrentDictionary<string, bool> _streams = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _groupLock = new(1, 1);
    private volatile bool _groupReady;

    public string GroupName => options.LogGroupName;

    public async Task EnsureGroupAsync(CancellationToken cancellationToken)
    {
        if (_groupReady || !options.CreateLogGroup)
        {
            return;
        }

        await _groupLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_groupReady)
            {
                return;
            }

            var created = false;
            try
            {
                await client.CreateLogGroupAsync(GroupName, cancellationToken).ConfigureAwait(false);
                created = true;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == AlreadyExists)
            {
            }
            catch (AwsServiceException ex) when (ex.IsAuthError)
            {
                // Without logs:CreateLogGroup the group may still exist (created by infrastructure code): go on and let
                // the puts tell.
                reporter.Report("create-group", $"cannot create log group '{GroupName}' ({ex.ErrorCode}); assuming it exists. Grant logs:CreateLogGroup or set CreateLogGroup to false.");
            }

            if (created && options.RetentionDays is { } days)
            {
                try
                {
                    await client.PutRetentionPolicyAsync(GroupName, days, cancellationToken).ConfigureAwait(false);
                }
                catch (AwsServiceException ex) when (!ex.IsRetryable)
                {
                    reporter.Report("retention", $"could not set {days} days of retention on '{GroupName}': {ex.Message}");
                }
            }

            _groupReady = true;
        }
        finally
        {
            _groupLock.Release();
        }
    }

    public async Task EnsureStreamAsync(string stream, CancellationToken cancellationToken)
    {
        if (!options.CreateLogStream || _streams.ContainsKey(stream))
        {
            return;
        }

        try
        {
            await client.CreateLogStreamAsync(GroupName, stream, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == AlreadyExists)
        {
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException" && options.CreateLogGroup)
        {
            // The group itself is gone (deleted while we ran): recreate it, then the stream.
            _groupReady = false;
            await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await client.CreateLogStreamAsync(GroupName, stream, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException again) when (again.ErrorCode == AlreadyExists)
            {
            }
        }

        _streams[stream] = true;
    }

    /// <summary>The service said the stream or group does not exist: create both again before the next put.</summary>
    public void Forget(string stream, bool group)
    {
        _streams.TryRemove(stream, out _);
        if (group)
        {
            _groupReady = false;
            _streams.Clear();
        }
    }
}
