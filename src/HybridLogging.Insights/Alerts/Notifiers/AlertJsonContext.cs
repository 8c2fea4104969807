using System.Text.Json.Serialization;

namespace HybridLogging.Insights.Alerts.Notifiers;

/// <summary>A Slack-compatible incoming-webhook body.</summary>
internal sealed record SlackPayload(string Text);

/// <summary>Source-generated JSON for webhook bodies (no reflection: the package is trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(SlackPayload))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
