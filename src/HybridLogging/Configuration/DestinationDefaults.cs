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

    /// <summary>
    /// A copy of <paramref name="destination"/> with the factory's settings wherever the destination left the default
    /// (<paramref name="section"/> is null for a stream destination, whose settings are typed); a plain copy without a factory.
    /// </summary>
    public static SinkOptions Apply(ILogSinkDestinationDefaults? factory, SinkOptions destination, IConfiguration? section)
    {
        if (factory is null)
        {
            return destination.Clone();
        }

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
        result.BatchSize = Pick(nameof(SinkOptions.BatchSize), destination.BatchSize, Untouched.BatchSize, wanted.BatchSize, section);
        result.FlushInterval = Pick(nameof(SinkOptions.FlushInterval), destination.FlushInterval, Untouched.FlushInterval, wanted.FlushInterval, section);
        result.QueueCapacity = Pick(nameof(SinkOptions.QueueCapacity), destination.QueueCapacity, Untouched.QueueCapacity, wanted.QueueCapacity, section);
        result.FullMode = Pick(nameof(SinkOptions.FullMode), destination.FullMode, Untouched.FullMode, wanted.FullMode, section);
        result.WriteTimeout = Pick(nameof(SinkOptions.WriteTimeout), destination.WriteTimeout, Untouched.WriteTimeout, wanted.WriteTimeout, section);
        result.MaxRetries = Pick(nameof(SinkOptions.MaxRetries), destination.MaxRetries, Untouched.MaxRetries, wanted.MaxRetries, section);
        result.RetryBaseDelay = Pick(nameof(SinkOptions.RetryBaseDelay), destination.RetryBaseDelay, Untouched.RetryBaseDelay, wanted.RetryBaseDelay, section);
        return result;
    }

    // A setting is the factory's to choose when it still has the default value and the section does not name it (a
    // section may name the default value on purpose).
    private static T Pick<T>(string key, T value, T untouched, T wanted, IConfiguration? section) =>
        EqualityComparer<T>.Default.Equals(value, untouched) && section?[key] is null ? wanted : value;
}
