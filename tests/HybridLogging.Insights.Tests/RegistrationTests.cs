using HybridLogging.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task AddHybridInsights_ObservesEveryEntryLoggedThroughILogger()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddHybridInsights());
        await using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<RegistrationTests>>();
        for (var i = 0; i < 25; i++)
        {
            logger.LogInformation("Order {OrderId} placed", i);
        }

        await provider.GetRequiredService<HybridLoggerProvider>().FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(25, provider.GetRequiredService<LogInsights>().ObservedCount);
    }

    [Fact]
    public void A_container_disposed_synchronously_disposes_the_insights_without_throwing()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddHybridInsights());
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ILogger<RegistrationTests>>().LogInformation("one entry");
        _ = provider.GetRequiredService<LogInsights>();

        var error = Record.Exception(provider.Dispose);

        Assert.Null(error);
    }
}
