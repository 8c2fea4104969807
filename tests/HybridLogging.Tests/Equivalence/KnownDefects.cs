namespace HybridLogging.Tests.Equivalence;

/// <summary>
/// Where the core disagrees with the model and the model is right (each reported to the lead with a minimal
/// reproduction). While a switch is on, the property tolerates exactly that deviation and nothing else; turn it off
/// with the fix, and the property then checks the documented behaviour. Nothing else in the model follows the code.
/// </summary>
internal static class KnownDefects
{
    /// <summary>
    /// <c>WellKnownFields.AsFinite</c> has no case for <see cref="sbyte"/> and <see cref="ushort"/>: a duration,
    /// latency, throughput or error rate of those types stays a property instead of filling its typed field.
    /// </summary>
    public const bool SmallIntegersNotLifted = false;

    /// <summary>
    /// A routing name whose value is null (<c>{Provider}</c> = null) still writes <c>"routing":{}</c>
    /// (<c>WellKnownFields.TryLift</c> sets <c>HasRouting</c> whatever the value).
    /// </summary>
    public const bool EmptyRoutingForNullValue = false;

    /// <summary>
    /// A call without arguments (<c>LogInformation("a {{b}}")</c>): MEL's formatter returns the template verbatim
    /// (<c>a {{b}}</c>), the core renders it as a template (<c>a {b}</c>).
    /// </summary>
    public const bool ArglessTemplateUnescaped = false;

    /// <summary>
    /// <c>ArgumentCapture.Capture</c> snapshots at most <c>MaxCollectionItems + 1</c> state values of a call with a
    /// mutable argument: later arguments and the template are lost, the message is rendered from the live state on the
    /// dispatcher thread, and a secret-named argument past the cut appears in clear in the message. While on, calls of
    /// the tight configuration have at most MaxCollectionItems holes.
    /// </summary>
    public const bool SnapshotCutsStateValues = false;

    /// <summary>A dictionary argument cut at MaxCollectionItems shows no <c>, …</c> in the message (a list does).</summary>
    public const bool DictionaryCutWithoutEllipsis = false;

    /// <summary>
    /// The message limit cuts before a formatted value that does not fit (<c>MessageRenderer.Output.AppendFormatted</c>
    /// drops it whole), so the message keeps fewer than MaxMessageLength characters (<c>{V:F2}</c> of
    /// <see cref="double.MaxValue"/> under a 120-character limit leaves only the marker). While on, a truncated message
    /// may stop anywhere before the limit.
    /// </summary>
    public const bool FormattedValueDroppedAtLimit = false;
}
