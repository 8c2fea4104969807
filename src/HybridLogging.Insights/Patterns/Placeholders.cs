namespace HybridLogging.Insights.Patterns;

/// <summary>The placeholder names free text is normalised to (documented in the package README).</summary>
internal static class Placeholders
{
    public const string Number = "{Number}";
    public const string Duration = "{Duration}";
    public const string Guid = "{Guid}";
    public const string Hex = "{Hex}";
    public const string Id = "{Id}";
    public const string IPv4 = "{IPv4}";
    public const string IPv6 = "{IPv6}";
    public const string Email = "{Email}";
    public const string Url = "{Url}";
    public const string Path = "{Path}";
    public const string Date = "{Date}";
    public const string Time = "{Time}";
    public const string Timestamp = "{Timestamp}";
}
