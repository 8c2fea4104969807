using Microsoft.Extensions.DependencyInjection;

namespace HybridRouter.Sample;

/// <summary>Registers the simulation's services (used by Program and by the sample's tests).</summary>
public static class SimulationServiceCollectionExtensions
{
    /// <summary>Adds the router, breaker, monitor and virtual clock as singletons.</summary>
    public static IServiceCollection AddHybridRouterSimulation(this IServiceCollection services, SimulationOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SimulatedClock>();
        services.AddSingleton<CircuitBreaker>();
        services.AddSingleton<PerformanceMonitor>();
        services.AddSingleton<HybridRouter>();
        return services;
    }
}
