using HybridLogging.Formatting;
using HybridLogging.Sinks.Console.Internal;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Console;

/// <summary>
/// Writes batches to standard output (and, from <see cref="ConsoleSinkOptions.StandardErrorFromLevel"/>, to standard
/// error). Each batch is formatted into one pooled UTF-8 buffer per stream and written with a single write call,
/// so the console is never the bottleneck it is with one <c>Console.WriteLine</c> per entry (dotnet/runtime#65264).
/// </summary>
/// <remarks>
/// Register it with <c>options.AddConsole()</c>, or declare a sink with <c>"Type": "Console"</c> in configuration.
/// The pipeline never calls <see cref="WriteBatchAsync"/> concurrently, which this type relies on.
/// </remarks>
public sealed class ConsoleSink : ILogSink, IReportsBytes
{
    private readonly ConsoleSinkOptions _options;
    private readonly Stream _output;
    private readonly Stream _error;
    private readonly LogEntryFormatter _outputFormatter;
    private readonly LogEntryFormatter _errorFormatter;
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
        _outputFormatter = CreateFormatter(Format, _options.UseColors && target.OutputIsTerminal);
        _errorFormatter = _options.StandardErrorFromLevel == LogLevel.None
            ? _outputFormatter
            : CreateFormatter(Format, _options.UseColors && target.ErrorIsTerminal);
    }

    /// <summary>The format in use (resolved from <see cref="ConsoleSinkOptions.Format"/> at construction).</summary>
    public LogFormat Format { get; }

    /// <inheritdoc />
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <inheritdoc />
    public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var errorFrom = _options.StandardErrorFromLevel;
        _outputBuffer.Reset();
        _errorBuffer.Reset();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var entry = batch[i];
                if (entry.Level >= errorFrom && errorFrom != LogLevel.None)
                {
                    _errorFormatter.Write(entry, _errorBuffer);
                }
                else
                {
                    _outputFormatter.Write(entry, _outputBuffer);
                }
            }

            // One write per stream per batch. The batch list is not touched after this point.
            if (_outputBuffer.WrittenCount > 0)
            {
                await _output.WriteAsync(_outputBuffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytesWritten, _outputBuffer.WrittenCount);
            }

            if (_errorBuffer.WrittenCount > 0)
            {
                await _error.WriteAsync(_errorBuffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytesWritten, _errorBuffer.WrittenCount);
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

    private static LogEntryFormatter CreateFormatter(LogFormat format, bool colors) =>
        format == LogFormat.Text ? new TextLogFormatter { UseColors = colors } : new JsonLogFormatter();
}
