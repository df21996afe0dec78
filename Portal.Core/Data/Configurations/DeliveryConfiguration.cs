using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Jakamo.Portal.Core.Data.Configurations;

internal sealed class BusinessEventConfiguration : IEntityTypeConfiguration<BusinessEvent>
{
    public void Configure(EntityTypeBuilder<BusinessEvent> builder)
    {
        builder.ToTable("Events");
        builder.Property(e => e.Type).HasMaxLength(50);
        builder.Property(e => e.ContentType).HasMaxLength(200);
        builder.Property(e => e.ExternalId).HasMaxLength(200);
        builder.Property(e => e.Reference).HasMaxLength(200);
        builder.HasIndex(e => new { e.IntegrationId, e.ExternalId }).IsUnique();

        // The transport-log search looks an external id up in every integration, which the unique index above cannot serve.
        builder.HasIndex(e => e.ExternalId);
        builder.HasIndex(e => e.Reference);
        builder.HasOne<Integrations.Integration>().WithMany().HasForeignKey(e => e.IntegrationId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class QueueMessageConfiguration : IEntityTypeConfiguration<QueueMessage>
{
    public void Configure(EntityTypeBuilder<QueueMessage> builder)
    {
        builder.Property(q => q.RemovedBy).HasMaxLength(50);
        builder.HasIndex(q => new { q.IntegrationId, q.RemovedAt, q.Id });
        builder.HasIndex(q => q.EventId);
        builder.HasOne(q => q.Event).WithMany().HasForeignKey(q => q.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Integrations.Integration>().WithMany().HasForeignKey(q => q.IntegrationId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.Property(d => d.EventType).HasMaxLength(50);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.LeaseOwner).HasMaxLength(64);
        builder.Property(d => d.LastMessage).HasMaxLength(1000);
        builder.Property(d => d.ResendRequestedBy).HasMaxLength(256);
        builder.HasIndex(d => new { d.WebhookId, d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.EventId);
        builder.HasIndex(d => new { d.CompanyId, d.Id });
        builder.HasIndex(d => d.ResendRequestedAt);
        builder.HasIndex(d => d.LeaseOwner);

        // The dashboard's deliveries created in the last 24 hours, and the deliveries list's date range.
        builder.HasIndex(d => d.CreatedAt);
        builder.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Webhook).WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.NoAction);
        builder.HasMany(d => d.Attempts).WithOne(a => a.Delivery).HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttemptConfiguration : IEntityTypeConfiguration<Attempt>
{
    public void Configure(EntityTypeBuilder<Attempt> builder)
    {
        builder.Property(a => a.EventType).HasMaxLength(50);
        builder.Property(a => a.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.TriggeredBy).HasMaxLength(256);
        builder.Property(a => a.RequestMethod).HasMaxLength(10);
        builder.Property(a => a.RequestUrl).HasMaxLength(2000);

        // The transport log pages newest first and counts its total, for a company and under each filter, from an index alone:
        // the company admin's tenancy (CompanyId) rides along where it is not the leading column.
        builder.HasIndex(a => new { a.CompanyId, a.Id });
        builder.HasIndex(a => new { a.WebhookId, a.Id });
        builder.HasIndex(a => new { a.WebhookId, a.Outcome, a.Id, a.CompanyId });
        builder.HasIndex(a => new { a.EventId, a.CompanyId });
        builder.HasIndex(a => a.DeliveryId);

        // A webhook's health over the last 24 hours, and the deliveries the dashboard saw attempted in them (also the retention
        // job's cutoff), each read from its index without touching the attempts' payloads.
        builder.HasIndex(a => new { a.WebhookId, a.StartedAt, a.Outcome, a.ResponseStatus, a.DurationMs });
        builder.HasIndex(a => new { a.StartedAt, a.DeliveryId });
    }
}
