using System.Text.Json.Serialization;
using Jakamo.Portal.Core.Deliveries;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

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
    /// <summary>The default prefix of the backplane's Redis channels (<c>SignalR:ChannelPrefix</c>): nodes of one portal
    /// share it; another portal on the same Redis sets its own.</summary>
    public const string DefaultRedisChannelPrefix = "jakamo-portal";

    public static IServiceCollection AddPortalRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR()
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // Several nodes: with a Redis backplane a send to a hub group reaches that group's clients on every node, so
        // the attempts one node commits reach browsers, and the pages' feed, connected to any node.
        if (configuration["SignalR:Redis"] is { Length: > 0 } redis)
        {
            signalR.AddStackExchangeRedis(redis, o =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal(configuration["SignalR:ChannelPrefix"] is { Length: > 0 } prefix ? prefix : DefaultRedisChannelPrefix);
                // Start, and keep reconnecting, while Redis is away: live updates pause, deliveries never do.
                o.Configuration.AbortOnConnectFail = false;
            });
        }
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
