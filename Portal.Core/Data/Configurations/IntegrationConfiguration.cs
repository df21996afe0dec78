using Jakamo.Portal.Core.Integrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Jakamo.Portal.Core.Data.Configurations;

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public void Configure(EntityTypeBuilder<Integration> builder)
    {
        builder.Property(i => i.Name).HasMaxLength(100);
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.QueueUserName).HasMaxLength(100);
        builder.Property(i => i.QueuePasswordHash).HasMaxLength(500);
        builder.HasIndex(i => i.QueueUserName).IsUnique();
        builder.HasIndex(i => new { i.CompanyId, i.Name }).IsUnique();
        builder.HasMany(i => i.CompanyMappings).WithOne().HasForeignKey(m => m.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.UserMappings).WithOne().HasForeignKey(m => m.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(i => i.HasCredentials);
    }
}

internal sealed class CompanyMappingConfiguration : IEntityTypeConfiguration<CompanyMapping>
{
    public void Configure(EntityTypeBuilder<CompanyMapping> builder)
    {
        builder.Property(m => m.ExternalCode).HasMaxLength(100);
        builder.HasIndex(m => new { m.IntegrationId, m.ExternalCode }).IsUnique();
        builder.HasOne(m => m.JakamoCompany).WithMany().HasForeignKey(m => m.JakamoCompanyId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class UserMappingConfiguration : IEntityTypeConfiguration<UserMapping>
{
    public void Configure(EntityTypeBuilder<UserMapping> builder)
    {
        builder.Property(m => m.ExternalUserId).HasMaxLength(100);
        builder.Property(m => m.JakamoUserName).HasMaxLength(256);
        builder.HasIndex(m => new { m.IntegrationId, m.ExternalUserId }).IsUnique();
    }
}
