using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using HybridLogging.Formatting;
using HybridLogging.Sinks.Elasticsearch.Internal.Bulk;
using HybridLogging.Sinks.Elasticsearch.Internal.DeadLetter;
using HybridLogging.Sinks.Elasticsearch.Internal.Transport;

namespace HybridLogging.Sinks.Elasticsearch.Internal;

/// <summary>
/// Sends each batch of ECS documents as <c>_bulk</c> requests (bounded by documents and bytes, a few in flight at once)
/// and turns the per-item answers into per-record outcomes: indexed or already indexed (409) = written, throttled or
/// 5xx items = retry, other refusals = failed and dead-lettered, a request with no usable answer = retry (thrown when
/// nothing of the batch got an answer, so the core retries the batch whole).
/// </summary>
internal sealed class ElasticsearchSink : IFormattedLogSink, ISupportsRetention
{
    private readonly string _name;
    private readonly ElasticsearchConnection _client;
    private readonly BulkBodyWriter _bodies;
    private readonly DeadLetterFile? _deadLetter;
    private readonly Bootstrapper _bootstrapper;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];
    private readonly ConditionalWeakTable<LogEntry, StrongBox<long>> _entrySequences = [];
    private long _nextEntrySequence;
    private int _splits;
    private long _duplicatesTotal;
    private long _deadLetteredTotal;
    private long _splitsTotal;
    private long _lastRefusalReport = long.MinValue / 2;

    public ElasticsearchSink(string name, ElasticsearchSinkOptions options)
    {
        _name = name;
        Options = options = options.Clone();
        Ids = new DocumentIds();
        Formatter = new EcsLogFormatter(options.ServiceName, options.ServiceEnvironment);
        _client = new ElasticsearchConnection(options);
        _bodies = new BulkBodyWriter(options, Ids);
        _deadLetter = string.IsNullOrEmpty(options.DeadLetterPath) ? null : new DeadLetterFile(options.DeadLetterPath, name);
        _bootstrapper = new Bootstrapper(options, _client);
        _gate = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    }

    public LogEntryFormatter Formatter { get; }

    internal ElasticsearchSinkOptions Options { get; }

    internal DocumentIds Ids { get; }

    internal string? DeadLetterPath => _deadLetter?.FullPath;

    /// <summary>Totals of the sink's own counters since it started (the per-batch ones go to the destination's statistics).</summary>
    internal (long Duplicates, long DeadLettered, long Splits) Totals =>
        (Interlocked.Read(ref _duplicatesTotal), Interlocked.Read(ref _deadLetteredTotal), Interlocked.Read(ref _splitsTotal));

    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await _bootstrapper.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new ItemOutcome[batch.Count];
        var tasks = new List<Task>();
        try
        {
            foreach (var (start, count) in Partition(batch, outcomes))
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                tasks.Add(SendAndReleaseAsync(batch, start, count, outcomes, cancellationToken));
            }
        }
        finally
        {
            // Even when cancelled while waiting for a slot, requests already in flight are awaited: they read the batch,
            // which the core reuses once this call returns.
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        Apply(batch, outcomes);
    }

    /// <summary>
    /// Puts the lifecycle policy <see cref="ElasticsearchSinkOptions.LifecyclePolicy"/> with a delete phase after
    /// <paramref name="days"/> days. With <see cref="ElasticsearchSinkOptions.Bootstrap"/> the sink's template uses it;
    /// otherwise it applies to whatever template refers to that policy name.
    /// </summary>
    public async ValueTask SetRetentionAsync(int days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 36_500)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, $"Elasticsearch sink '{_name}': retention must be between 1 and 36500 days.");
        }

        await _bootstrapper.SetRetentionAsync(days, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For callers holding entry objects (tools, wrappers, tests; the pipeline itself hands over formatted batches).
    /// Replaces the interface's default, which numbers records by their index in the batch: document ids built from
    /// that would repeat from batch to batch, and a repeated id answers 409, which counts as delivered, so documents
    /// would be lost. Here entries get stable numbers of their own (the same entry object retried keeps its id), and
    /// since an entry batch has no per-record outcome, any record to resend fails the whole call: the retry resends
    /// all, and the documents already indexed answer 409 and count as delivered.
    /// </summary>
    async ValueTask ILogSink.WriteBatchAsync(IReadOnlyList<LogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, entries.Count * 512));
        var bounds = new (int Start, int Length)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var start = buffer.WrittenCount;
            Formatter.Write(entries[i], buffer);
            bounds[i] = (start, buffer.WrittenCount - start);
        }

        var records = new LogRecord[entries.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var entry = entries[i];
            // Negative numbers: a space of ids apart from the pipeline's sequences (never negative), so both paths on one
            // sink can never share an id (a shared id would answer 409 and lose a document as "already delivered").
            var sequence = _entrySequences.GetValue(entry, _ => new StrongBox<long>(-Interlocked.Increment(ref _nextEntrySequence))).Value;
            records[i] = new LogRecord(buffer.WrittenMemory.Slice(bounds[i].Start, bounds[i].Length), sequence, entry.Timestamp, entry.Level, entry.Source, entry.CorrelationId);
        }

        var batch = LogRecordBatch.FromRecords(records);
        await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.GetOutcome(i) == LogRecordOutcome.Retry)
            {
                throw new IOException($"Elasticsearch sink '{_name}': some documents must be resent ({batch.GetReason(i)}).");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Splits the batch into runs of records that fit one request (documents and bytes); empty records fail on the spot.</summary>
    private List<(int Start, int Count)> Partition(LogRecordBatch batch, ItemOutcome[] outcomes)
    {
        var ranges = new List<(int, int)>();
        var start = 0;
        var count = 0;
        long bytes = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var size = batch[i].Bytes.Length;
            if (size == 0)
            {
                outcomes[i] = new ItemOutcome { Kind = ItemKind.Failed, Status = 400, Reason = "invalid", Error = "empty record" };
                Close(ref count);
                start = i + 1;
                continue;
            }

            size += _bodies.ActionOverhead;
            if (count > 0 && (count == Options.MaxDocumentsPerRequest || bytes + size > Options.MaxBytesPerRequest))
            {
                Close(ref count);
                start = i;
            }

            count++;
            bytes += size;
        }

        Close(ref count);
        return ranges;

        void Close(ref int n)
        {
            if (n > 0)
            {
                ranges.Add((start, n));
            }

            n = 0;
            bytes = 0;
        }
    }

    private async Task SendAndReleaseAsync(LogRecordBatch batch, int start, int count, ItemOutcome[] outcomes, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(batch, start, count, outcomes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SendAsync(LogRecordBatch batch, int start, int count, ItemOutcome[] outcomes, CancellationToken cancellationToken)
    {
        ElasticsearchConnection.Response response;
        int bodyLength;
        var buffer = RentBuffer();
        try
        {
            _bodies.Write(batch, start, count, buffer);
            bodyLength = buffer.WrittenCount;
            response = await _client.BulkAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReturnBuffer(buffer);
        }

        switch (response.Status)
        {
            case 200:
                ReadItems(response.Body, start, count, outcomes);
                return;
            case 413 when count > 1:
                // Too large for the server's http.max_content_length: halve until each part fits.
                var half = count / 2;
                Interlocked.Increment(ref _splits);
                await SendAsync(batch, start, half, outcomes, cancellationToken).ConfigureAwait(false);
                await SendAsync(batch, start + half, count - half, outcomes, cancellationToken).ConfigureAwait(false);
                return;
            case 413:
                outcomes[start] = new ItemOutcome { Kind = ItemKind.Failed, Status = 413, Reason = "tooLarge", Error = $"request entity too large: a single document makes a {bodyLength}-byte request" };
                return;
            default:
                var failure = response.Status switch
                {
                    null => new ItemOutcome { Kind = ItemKind.RequestFailed, Reason = "unavailable", Error = response.Failure ?? "no response" },
                    429 => new ItemOutcome { Kind = ItemKind.RequestFailed, Status = 429, Reason = "throttled", Error = "HTTP 429" },
                    >= 500 => new ItemOutcome { Kind = ItemKind.RequestFailed, Status = response.Status.Value, Reason = "unavailable", Error = $"HTTP {response.Status}" },
                    _ => new ItemOutcome { Kind = ItemKind.RequestFailed, Status = response.Status.Value, Reason = "refused", Error = $"HTTP {response.Status}" },
                };
                outcomes.AsSpan(start, count).Fill(failure);
                return;
        }
    }

    private static void ReadItems(byte[]? body, int start, int count, ItemOutcome[] outcomes)
    {
        BulkResponse? parsed = null;
        try
        {
            parsed = body is null ? null : JsonSerializer.Deserialize(body, BulkJsonContext.Default.BulkResponse);
        }
        catch (JsonException)
        {
            // Handled below as an answer the sink cannot read.
        }

        if (parsed?.Items is not { } items || items.Count != count)
        {
            outcomes.AsSpan(start, count).Fill(new ItemOutcome { Kind = ItemKind.RequestFailed, Status = 200, Reason = "protocol", Error = "unreadable _bulk response" });
            return;
        }

        for (var k = 0; k < count; k++)
        {
            outcomes[start + k] = items[k].Result is { } result
                ? ItemOutcome.From(result)
                : new ItemOutcome { Kind = ItemKind.Retry, Status = 200, Reason = "protocol", Error = "item without a create or index result" };
        }
    }

    /// <summary>Marks the batch from the collected outcomes (the batch is not thread-safe, so this runs after all requests).</summary>
    private void Apply(LogRecordBatch batch, ItemOutcome[] outcomes)
    {
        var answered = 0;
        var duplicates = 0;
        var requestFailed = 0;
        string? firstFailure = null;
        List<DeadLetter.DeadLetter>? letters = null;
        for (var i = 0; i < outcomes.Length; i++)
        {
            ref var outcome = ref outcomes[i];
            switch (outcome.Kind)
            {
                case ItemKind.Written:
                    answered++;
                    break;
                case ItemKind.Duplicate:
                    answered++;
                    duplicates++;
                    break;
                case ItemKind.Retry:
                    answered++;
                    batch.Retry(i, outcome.Reason ?? "unavailable");
                    break;
                case ItemKind.Failed:
                    var record = batch[i];
                    batch.Fail(i, outcome.Reason ?? "rejected");
                    (letters ??= []).Add(new DeadLetter.DeadLetter(_bodies.TargetFor(record), Ids.For(record.Sequence), outcome.Status, outcome.Reason ?? "rejected", outcome.Error ?? string.Empty, record.Bytes));
                    break;
                default:
                    requestFailed++;
                    firstFailure ??= outcome.Error;
                    break;
            }
        }

        if (duplicates > 0)
        {
            batch.AddCount("duplicates", duplicates);
            Interlocked.Add(ref _duplicatesTotal, duplicates);
        }

        // Calls never overlap, so the requests of this batch were the only ones counting splits.
        if (Interlocked.Exchange(ref _splits, 0) is var splits and > 0)
        {
            batch.AddCount("splits", splits);
            Interlocked.Add(ref _splitsTotal, splits);
        }

        if (letters is not null)
        {
            batch.AddCount("deadLettered", letters.Count);
            Interlocked.Add(ref _deadLetteredTotal, letters.Count);
            _deadLetter?.Append(letters);
            ReportRefusals(letters);
        }

        if (requestFailed == 0)
        {
            return;
        }

        if (answered == 0)
        {
            // Nothing of the batch got an answer: throwing hands the whole batch back to the core's retry and backoff
            // (records already failed for good stay failed).
            throw new IOException($"Elasticsearch sink '{_name}': bulk request failed: {firstFailure}");
        }

        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Kind is ItemKind.RequestFailed or ItemKind.Pending)
            {
                batch.Retry(i, outcomes[i].Reason ?? "unavailable");
            }
        }
    }

    /// <summary>Says on the self-log that documents were refused, with the first error, at most once a minute.</summary>
    private void ReportRefusals(List<DeadLetter.DeadLetter> letters)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastRefusalReport);
        if (now - last < 60_000 || Interlocked.CompareExchange(ref _lastRefusalReport, now, last) != last)
        {
            return;
        }

        var first = letters[0];
        var where = _deadLetter is null ? "dead-letter file disabled" : $"see {_deadLetter.FullPath}";
        // The error type only: the server's text can quote the refused value, which is log content.
        var type = first.Error.Split(':', 2)[0];
        HybridSelfLog.Report($"Elasticsearch sink '{_name}': {letters.Count} document(s) refused ({first.Reason}, HTTP {first.Status}, {type}); {where}.");
    }

    private ArrayBufferWriter<byte> RentBuffer() =>
        _buffers.TryTake(out var buffer) ? buffer : new ArrayBufferWriter<byte>(64 * 1024);

    private void ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        // Keep a few request-sized buffers; an oversized one (a huge single document) goes back to the GC.
        if (buffer.Capacity <= Options.MaxBytesPerRequest * 2 && _buffers.Count <= Options.MaxConcurrentRequests)
        {
            buffer.ResetWrittenCount();
            _buffers.Add(buffer);
        }
    }
}
