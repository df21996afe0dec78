using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Queue;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jakamo.Portal.Core;

public static class PortalCoreServices
{
    /// <summary>Registers the database, Data Protection (keys in the database) and the domain services.</summary>
    public static IServiceCollection AddPortalCore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddPortalDatabase(configuration, contentRoot);
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.SectionName));
        services.Configure<PortalStartupOptions>(configuration.GetSection(PortalStartupOptions.SectionName));

        services.AddDataProtection()
            .SetApplicationName("Jakamo.Portal")
            .PersistKeysToDbContext<PortalDbContext>();

        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<IPasswordHasher<Integration>, PasswordHasher<Integration>>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<IntegrationService>();
        services.AddSingleton<FirewallService>();
        services.AddSingleton<ApiTokenService>();
        services.AddScoped<CompanyService>();
        services.AddWebhookSender(configuration);

        services.Configure<DeliveryOptions>(configuration.GetSection(DeliveryOptions.SectionName));
        services.Configure<EventOptions>(configuration.GetSection(EventOptions.SectionName));
        services.Configure<RetentionOptions>(configuration.GetSection(RetentionOptions.SectionName));
        services.TryAddSingleton<IAttemptListener, NoAttemptListener>();
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<DeliveryEngine>();
        services.AddSingleton<DeliveryService>();
        services.AddSingleton<IAttemptLog, AttemptLog>();
        services.AddSingleton<QueueService>();
        services.AddSingleton<RetentionService>();
        services.AddSingleton<WebhookHealthService>();
        services.AddSingleton<DashboardService>();
        return services;
    }
}
