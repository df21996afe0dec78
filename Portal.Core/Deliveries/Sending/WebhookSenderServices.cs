using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Deliveries.Sending;

public static class WebhookSenderServices
{
    /// <summary>
    /// Registers <see cref="IWebhookSender"/>, the firewall-openings cache and the two outbound named clients
    /// ("webhooks" and "oauth-token"), both connecting only through the outbound address guard.
    /// </summary>
    public static IServiceCollection AddWebhookSender(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookSenderOptions>()
            .Bind(configuration.GetSection(WebhookSenderOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(10), $"{WebhookSenderOptions.SectionName}:Timeout must be between 0 and 10 minutes, for example 00:00:30.")
            .Validate(o => o.MaxStoredResponseBytes >= 0, $"{WebhookSenderOptions.SectionName}:MaxStoredResponseBytes must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OpenedHostsCache>();
        services.AddSingleton<IOpenedHosts>(sp => sp.GetRequiredService<OpenedHostsCache>());
        services.TryAddSingleton<IHostNameResolver, SystemHostNameResolver>();
        services.AddSingleton<GuardedConnector>();
        services.AddSingleton<OAuthTokenCache>();
        services.AddSingleton<IWebhookSender, WebhookSender>();

        AddGuardedClient(services, WebhookSender.ClientName);
        AddGuardedClient(services, OAuthTokenCache.ClientName)
            .ConfigureHttpClient(client => client.MaxResponseContentBufferSize = 1024 * 1024);
        return services;
    }

    private static IHttpClientBuilder AddGuardedClient(IServiceCollection services, string name) =>
        services.AddHttpClient(name)
            // The sender applies WebhookSenderOptions.Timeout to each exchange itself, token request included.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(CreateHandler)
            // PooledConnectionLifetime already renews connections (and so DNS); rotating handlers would only add churn.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // Attempts are logged as transport log rows; per-request log lines would only repeat URLs at high volume.
            .RemoveAllLoggers();

    private static SocketsHttpHandler CreateHandler(IServiceProvider services)
    {
        var connector = services.GetRequiredService<GuardedConnector>();
        var settings = services.GetRequiredService<IOptions<WebhookSenderOptions>>().Value;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = 64,
            ConnectTimeout = settings.Timeout,
            ConnectCallback = connector.ConnectAsync,
        };
    }
}
