using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Jakamo.Portal.Core.Data.Configurations;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.Property(w => w.Name).HasMaxLength(WebhookRules.NameMaxLength);
        builder.Property(w => w.PayloadUrl).HasMaxLength(WebhookRules.UrlMaxLength);
        builder.Property(w => w.AuthMethod).HasConversion<string>().HasMaxLength(30);
        builder.Property(w => w.EventSelection).HasConversion<string>().HasMaxLength(20);
        builder.Property(w => w.OAuthTokenUrl).HasMaxLength(WebhookRules.UrlMaxLength);
        builder.Property(w => w.OAuthClientId).HasMaxLength(200);
        builder.Property(w => w.OAuthScope).HasMaxLength(500);
        builder.Property(w => w.BasicUserName).HasMaxLength(200);
        builder.Property(w => w.ApiKeyHeaderName).HasMaxLength(100);
        builder.HasIndex(w => new { w.CompanyId, w.Name }).IsUnique();
        builder.HasOne(w => w.Company).WithMany().HasForeignKey(w => w.CompanyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(w => w.Integration).WithMany().HasForeignKey(w => w.IntegrationId).OnDelete(DeleteBehavior.NoAction);
        builder.HasMany(w => w.EventTypes).WithOne().HasForeignKey(e => e.WebhookId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(w => w.HasSentMessages);
    }
}

internal sealed class WebhookEventTypeConfiguration : IEntityTypeConfiguration<WebhookEventType>
{
    public void Configure(EntityTypeBuilder<WebhookEventType> builder)
    {
        builder.HasKey(e => new { e.WebhookId, e.EventTypeName });
        builder.Property(e => e.EventTypeName).HasMaxLength(50);
        builder.HasOne<EventType>().WithMany().HasForeignKey(e => e.EventTypeName).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class EventTypeConfiguration : IEntityTypeConfiguration<EventType>
{
    public void Configure(EntityTypeBuilder<EventType> builder)
    {
        builder.HasKey(e => e.Name);
        builder.Property(e => e.Name).HasMaxLength(50);
        builder.Property(e => e.Group).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Description).HasMaxLength(300);
        builder.HasData(EventTypeCatalog.All.Select(e => new EventType { Name = e.Name, Group = e.Group, Description = e.Description }));
    }
}
