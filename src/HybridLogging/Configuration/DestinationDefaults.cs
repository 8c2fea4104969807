using Microsoft.Extensions.Configuration;

namespace HybridLogging.Internal;

/// <summary>
/// Gives a destination declared in configuration the pipeline settings its sink factory asks for
/// (<see cref="ILogSinkDestinationDefaults"/>) wherever the destination left a setting at the <see cref="SinkOptions"/>
/// default and its section does not name it, so a sink configured in <c>appsettings.json</c> runs as the package's
/// <c>AddX</c> method would set it up in code.
/// </summary>
internal static class DestinationDefaults
{
    private static readonly SinkOptions Untouched = new();

    /// <summary>Returns <paramref name="destination"/> with the factory's defaults applied (a copy when any applies).</summary>
    public static SinkOptions Apply(ILogSinkDestinationDefaults factory, SinkOptions destination, IConfiguration? section)
    {
        var wanted = new SinkOptions();
        try
        {
            factory.ApplyDestinationDefaults(wanted);
        }
        catch (Exception ex)
        {
            SelfLog.Report($"Sink type '{destination.Type}': its factory's destination defaults failed ({ex.GetType().Name}: {ex.Message}); the destination keeps its own settings.");
            return destination.Clone();
        }

        var result = destination.Clone();
        if (Open(nameof(SinkOptions.BatchSize), destination.BatchSize, Untouched.BatchSize, section))
        {
            result.BatchSize = wanted.BatchSize;
        }

        if (Open(nameof(SinkOptions.FlushInterval), destination.FlushInterval, Untouched.FlushInterval, section))
        {
            result.FlushInterval = wanted.FlushInterval;
        }

        if (Open(nameof(SinkOptions.QueueCapacity), destination.QueueCapacity, Untouched.QueueCapacity, section))
        {
            result.QueueCapacity = wanted.QueueCapacity;
        }

        if (Open(nameof(SinkOptions.FullMode), destination.FullMode, Untouched.FullMode, section))
        {
            result.FullMode = wanted.FullMode;
        }

        if (Open(nameof(SinkOptions.WriteTimeout), destination.WriteTimeout, Untouched.WriteTimeout, section))
        {
            result.WriteTimeout = wanted.WriteTimeout;
        }

        if (Open(nameof(SinkOptions.MaxRetries), destination.MaxRetries, Untouched.MaxRetries, section))
        {
            result.MaxRetries = wanted.MaxRetries;
        }

        if (Open(nameof(SinkOptions.RetryBaseDelay), destination.RetryBaseDelay, Untouched.RetryBaseDelay, section))
        {
            result.RetryBaseDelay = wanted.RetryBaseDelay;
        }

        return result;
    }

    /// <summary>Stream destinations: their typed settings, left at the <see cref="LogDestinationConfig"/> defaults, take the factory's.</summary>
    public static SinkOptions Apply(ILogSinkDestinationDefaults? factory, LogDestinationConfig destination) =>
        factory is null ? destination.ToSinkOptions() : Apply(factory, destination.ToSinkOptions(), section: null);

    // A setting is the factory's to choose when it still has the default value and the section does not name it (a
    // section may name the default value on purpose).
    private static bool Open<T>(string key, T value, T untouched, IConfiguration? section) =>
        EqualityComparer<T>.Default.Equals(value, untouched) && section?[key] is null;
}
