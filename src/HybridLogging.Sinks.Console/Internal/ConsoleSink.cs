using HybridLogging.Formatting;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Console.Internal;

/// <summary>
/// Writes batches of formatted records to standard output (and, from <see cref="ConsoleSinkOptions.StandardErrorFromLevel"/>,
/// to standard error): JSON lines (<see cref="JsonLogFormatter.Instance"/>) when output is redirected, text
/// (<see cref="TextLogFormatter"/>, coloured on a terminal) otherwise. A batch goes out in one write call per run of
/// adjacent records (a few per batch), straight from the records' memory, so the console is never the bottleneck it is
/// with one <c>Console.WriteLine</c> per entry (dotnet/runtime#65264).
/// </summary>
/// <remarks>
/// Register it with <c>options.AddConsole()</c>, or declare a sink with <c>"Type": "Console"</c> in configuration.
/// The pipeline never calls <see cref="WriteAsync"/> concurrently, which this type relies on.
/// </remarks>
internal sealed class ConsoleSink : IFormattedLogSink, IReportsBytes
{
    private readonly ConsoleSinkOptions _options;
    private readonly Stream _output;
    private readonly Stream _error;
    private readonly PooledBufferWriter _outputBuffer = new();
    private readonly PooledBufferWriter _errorBuffer = new();
    private long _bytesWritten;

    /// <summary>Creates a console sink with default settings.</summary>
    public ConsoleSink()
        : this(new ConsoleSinkOptions())
    {
    }

    /// <summary>Creates a console sink.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is invalid.</exception>
    public ConsoleSink(ConsoleSinkOptions options)
        : this(options, ConsoleTarget.Process())
    {
    }

    // Tests inject streams here; kept off the options so the configuration binder never sees a Stream.
    internal ConsoleSink(ConsoleSinkOptions options, ConsoleTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options.Clone();
        _output = target.Output;
        _error = target.Error;
        Format = _options.Format ?? (target.OutputIsTerminal ? LogFormat.Text : LogFormat.Json);

        // One formatter for both streams (each record is formatted once): colours only when every stream written is a
        // terminal, so a redirected standard error never collects escape codes.
        var colors = _options.UseColors && target.OutputIsTerminal
            && (_options.StandardErrorFromLevel == LogLevel.None || target.ErrorIsTerminal);
        Formatter = Format == LogFormat.Text ? new TextLogFormatter { UseColors = colors } : JsonLogFormatter.Instance;
    }

    /// <summary>The format in use (resolved from <see cref="ConsoleSinkOptions.Format"/> at construction).</summary>
    public LogFormat Format { get; }

    /// <summary>
    /// <see cref="JsonLogFormatter.Instance"/> for <see cref="LogFormat.Json"/>; for <see cref="LogFormat.Text"/> a
    /// <see cref="TextLogFormatter"/>, with colours when <see cref="ConsoleSinkOptions.UseColors"/> is set and every
    /// stream written to is a terminal.
    /// </summary>
    public LogEntryFormatter Formatter { get; }

    /// <inheritdoc />
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <inheritdoc />
    /// <remarks>
    /// A batch for one stream is written segment by segment from the pipeline's memory; a batch split between standard
    /// output and standard error is copied into one buffer per stream and written once to each. Whatever was written
    /// stays written: when a later write fails, only the records it held are marked for retry (<c>console</c>, or
    /// <c>stderr</c> for standard error); a failure of the first write throws, so the whole batch is retried.
    /// </remarks>
    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var errorFrom = _options.StandardErrorFromLevel;
        var toError = 0;
        if (errorFrom != LogLevel.None)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Level >= errorFrom)
                {
                    toError++;
                }
            }
        }

        try
        {
            if (toError == 0 || toError == batch.Count)
            {
                await WriteAllAsync(toError == 0 ? _output : _error, batch, cancellationToken).ConfigureAwait(false);
                return;
            }

            // Mixed levels: each stream gets its records, in order, copied into its buffer.
            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch[i];
                var buffer = record.Level >= errorFrom ? _errorBuffer : _outputBuffer;
                record.Bytes.Span.CopyTo(buffer.GetSpan(record.Bytes.Length));
                buffer.Advance(record.Bytes.Length);
            }

            await WriteToAsync(_output, _outputBuffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            try
            {
                await WriteToAsync(_error, _errorBuffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                HybridSelfLog.Report($"Console sink: writing to standard error failed: {ex.Message}");
                for (var i = 0; i < batch.Count; i++)
                {
                    if (batch[i].Level >= errorFrom)
                    {
                        batch.Retry(i, "stderr");
                    }
                }
            }
        }
        finally
        {
            _outputBuffer.Reset();
            _errorBuffer.Reset();
        }
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(_error, _output))
        {
            await _error.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes and releases the pooled buffers. The process's standard streams and injected streams stay open.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Standard output may already be closed at process exit (a closed pipe); nothing is left to save.
        }

        _outputBuffer.Dispose();
        _errorBuffer.Dispose();
    }

    /// <summary>
    /// Writes every record of the batch to <paramref name="stream"/>, one call per run of adjacent records (segment),
    /// straight from the pipeline's memory: copying a batch's segments into one buffer cost more than the few extra
    /// write calls. When a later segment fails, what the earlier ones wrote stays written and the rest is retried, so a
    /// retry never writes a line twice.
    /// </summary>
    private async ValueTask WriteAllAsync(Stream stream, LogRecordBatch batch, CancellationToken cancellationToken)
    {
        for (var s = 0; s < batch.SegmentCount; s++)
        {
            var segment = batch.GetSegment(s);
            try
            {
                await WriteToAsync(stream, segment.Bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (s > 0 && ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                HybridSelfLog.Report($"Console sink: writing to the console failed: {ex.Message}");
                for (var i = segment.FirstRecord; i < batch.Count; i++)
                {
                    batch.Retry(i, "console");
                }

                return;
            }
        }
    }

    private async ValueTask WriteToAsync(Stream stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesWritten, bytes.Length);
    }
}
