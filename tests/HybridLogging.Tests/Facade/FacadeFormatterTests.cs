using HybridLogging.Internal;

namespace HybridLogging.Tests.Facade;

/// <summary>
/// The facade states' own formatter (MEL's contract, and the pipeline's fallback) renders the extensions' templates the
/// way the pipeline does, from the one copy of each template.
/// </summary>
public sealed class FacadeFormatterTests
{
    private static readonly Dictionary<string, object?> NoMetadata = [];

    [Fact]
    public void Performance_and_routing_states_render_their_templates_with_invariant_values()
    {
        var performance = FacadeProperties.Performance("route", 12.5, NoMetadata);
        var routing = FacadeProperties.Routing("bedrock", true, "primary-healthy", NoMetadata);

        Assert.Equal("route completed in 12.5 ms", FacadeProperties.Format(performance, null));
        Assert.Equal("Routed to bedrock (fallback used: True): primary-healthy", FacadeProperties.Format(routing, null));
        Assert.Equal(HybridLoggerExtensions.PerformanceTemplate, performance[^1].Value);
        Assert.Equal(HybridLoggerExtensions.RoutingTemplate, routing[^1].Value);
    }

    [Fact]
    public void A_text_state_renders_its_own_text()
    {
        var text = FacadeProperties.Text("Cache warmed", "c-1", null, null, null, NoMetadata);

        Assert.Equal("Cache warmed", FacadeProperties.Format(text, null));
        Assert.Equal("Cache warmed", text.ToString());
    }
}
