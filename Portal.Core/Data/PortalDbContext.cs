using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Queue;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Data;

/// <summary>The provider-neutral model. Each provider derives from it to own its migrations.</summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<Company> Companies => Set<Company>();

    public DbSet<Integration> Integrations => Set<Integration>();

    public DbSet<CompanyMapping> CompanyMappings => Set<CompanyMapping>();

    public DbSet<UserMapping> UserMappings => Set<UserMapping>();

    public DbSet<EventType> EventTypes => Set<EventType>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<WebhookEventType> WebhookEventTypes => Set<WebhookEventType>();

    public DbSet<FirewallOpening> FirewallOpenings => Set<FirewallOpening>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<BusinessEvent> Events => Set<BusinessEvent>();

    public DbSet<QueueMessage> QueueMessages => Set<QueueMessage>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<Attempt> Attempts => Set<Attempt>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
