using Jakamo.Portal.Core.Companies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Jakamo.Portal.Core.Data.Configurations;

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasMany(c => c.Integrations).WithOne(i => i.Company).HasForeignKey(i => i.CompanyId).OnDelete(DeleteBehavior.Cascade);

        // At most one designated webhook integration per company falls out of this being a single column.
        builder.HasOne(c => c.WebhookIntegration).WithMany().HasForeignKey(c => c.WebhookIntegrationId).OnDelete(DeleteBehavior.NoAction);
    }
}
