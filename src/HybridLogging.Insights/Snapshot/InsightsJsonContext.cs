using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>
/// Source-generated JSON metadata for <see cref="InsightsSnapshot"/> (camelCase, enums as strings), for AOT-safe
/// serialisation. Internal (the generated members would all be public surface); users reach it through
/// <see cref="InsightsSnapshot.JsonTypeInfo"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(InsightsSnapshot))]
internal sealed partial class InsightsJsonContext : JsonSerializerContext;
