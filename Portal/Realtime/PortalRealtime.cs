using System.Text.Json.Serialization;
using Jakamo.Portal.Core.Deliveries;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jakamo.Portal.Realtime;

public sealed class RealtimeOptions
{
    public const string SectionName = "Portal:Realtime";

    /// <summary>Committed batches that may wait for the hub before the oldest is dropped.</summary>
    public int BroadcastQueueCapacity { get; set; } = 1024;

    /// <summary>The hub the pages' feed connects to. Unset: this node's own server address.</summary>
    public Uri? FeedHubUrl { get; set; }
}

/// <summary>SignalR wiring: the transport-log hub, the broadcaster the delivery engine reports to, and the pages' feed.</summary>
public static class PortalRealtime
{
    public static IServiceCollection AddPortalRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR()
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.Configure<RealtimeOptions>(configuration.GetSection(RealtimeOptions.SectionName));
        services.AddSingleton<AttemptFeedIdentity>();

        services.AddSingleton<HubAttemptFeed>();
        services.AddSingleton<IAttemptFeed>(sp => sp.GetRequiredService<HubAttemptFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<HubAttemptFeed>());

        // Replaces Core's silent default, which hosts without a web server keep.
        services.AddSingleton<TransportLogBroadcaster>();
        services.Replace(ServiceDescriptor.Singleton<IAttemptListener>(sp => sp.GetRequiredService<TransportLogBroadcaster>()));
        services.AddHostedService(sp => sp.GetRequiredService<TransportLogBroadcaster>());
        return services;
    }

    public static IEndpointConventionBuilder MapPortalRealtime(this IEndpointRouteBuilder app) =>
        app.MapHub<TransportLogHub>(TransportLogHub.Path);
}
