using HybridLogging.Insights;
using Microsoft.Extensions.Logging;

namespace HybridRouter.Sample;

/// <summary>The sample's alert rules (the same rules can come from configuration: Logging:HybridLogging:Insights:Alerts:Rules).</summary>
public static class SampleAlerts
{
    /// <summary>Rule raised when the primary's circuit opens (on the entry itself, no timer tick needed).</summary>
    public const string BreakerOpened = "breaker-opened";

    /// <summary>Rule raised when more than two requests per minute fail on every provider.</summary>
    public const string RequestsFailing = "requests-failing";

    /// <summary>Adds the sample's rules.</summary>
    public static void Configure(InsightsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Alerts.Rules[BreakerOpened] = new AlertRule
        {
            Kind = AlertRuleKind.MessagePattern,
            Source = LogSources.CircuitBreaker,
            Pattern = @"^Circuit for \S+ opened",
            Severity = AlertSeverity.Warning,
        };
        options.Alerts.Rules[RequestsFailing] = new AlertRule
        {
            Kind = AlertRuleKind.Count,
            Source = LogSources.HybridRouter,
            Level = LogLevel.Error,
            Threshold = 2,
            Severity = AlertSeverity.Critical,
        };
    }
}
