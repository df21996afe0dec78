using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Demo;

/// <summary>Settings under <c>Portal</c> that shape start-up.</summary>
public sealed class PortalStartupOptions
{
    public const string SectionName = "Portal";

    /// <summary>Apply migrations at start (on by default; production may run the script instead).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public DemoOptions Demo { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();
}

public sealed class DemoOptions
{
    /// <summary>Seeds demo companies, integrations and users, and prints their logins.</summary>
    public bool Enabled { get; set; }
}

public sealed class BootstrapOptions
{
    /// <summary>A support API token provisioned at start, so automation can set up a fresh install.</summary>
    public string? SupportToken { get; set; }
}

/// <summary>A demo login, printed at start in demo mode only.</summary>
public sealed record DemoLogin(string Role, string Company, string Email, string Password);

/// <summary>Migrates the database and seeds roles, the bootstrap token and (in demo mode) demo data.</summary>
public static class PortalInitializer
{
    public const string BootstrapUser = "automation@jakamo.local";

    public static IReadOnlyList<DemoLogin> DemoLogins { get; } =
    [
        new("Company admin", DemoData.SupplierName, "admin@nordic-components.demo", "Supplier-demo-2026"),
        new("Company admin", DemoData.BuyerName, "admin@baltic-machinery.demo", "Buyer-demo-2026"),
        new("Support", "Jakamo", "support@jakamo.demo", "Support-demo-2026"),
    ];

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<IOptions<PortalStartupOptions>>().Value;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Jakamo.Portal.Startup");
        var db = sp.GetRequiredService<PortalDbContext>();
        if (options.MigrateOnStart)
        {
            await sp.GetRequiredService<IDatabaseMigrator>().MigrateAsync(db, ct);
        }

        var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in new[] { PortalRoles.Support, PortalRoles.CompanyAdmin })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var users = sp.GetRequiredService<UserManager<PortalUser>>();
        if (!string.IsNullOrWhiteSpace(options.Bootstrap.SupportToken))
        {
            var user = await EnsureUserAsync(users, BootstrapUser, SecretGenerator.NewOneTimePassword(), null, PortalRoles.Support, resetPassword: false);
            await sp.GetRequiredService<ApiTokenService>().EnsureTokenAsync(user.Id, "Bootstrap support token", options.Bootstrap.SupportToken.Trim(), ct);
            logger.LogInformation("Bootstrap support token provisioned for {User}.", BootstrapUser);
        }

        if (options.Demo.Enabled)
        {
            await DemoData.SeedAsync(
                db,
                sp.GetRequiredService<IPasswordHasher<Integration>>(),
                sp.GetRequiredService<ISecretProtector>(),
                sp.GetRequiredService<IOptions<Deliveries.DeliveryOptions>>().Value.PublicBaseUrl,
                sp.GetRequiredService<TimeProvider>(),
                ct);
            var supplier = await db.Companies.FirstAsync(c => c.Name == DemoData.SupplierName, ct);
            var buyer = await db.Companies.FirstAsync(c => c.Name == DemoData.BuyerName, ct);
            await EnsureUserAsync(users, DemoLogins[0].Email, DemoLogins[0].Password, supplier.Id, PortalRoles.CompanyAdmin, resetPassword: true);
            await EnsureUserAsync(users, DemoLogins[1].Email, DemoLogins[1].Password, buyer.Id, PortalRoles.CompanyAdmin, resetPassword: true);
            await EnsureUserAsync(users, DemoLogins[2].Email, DemoLogins[2].Password, null, PortalRoles.Support, resetPassword: true);
        }
    }

    private static async Task<PortalUser> EnsureUserAsync(
        UserManager<PortalUser> users, string email, string password, int? companyId, string role, bool resetPassword)
    {
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = companyId };
            CompanyService.ThrowIfFailed(await users.CreateAsync(user, password), "user");
        }
        else if (resetPassword)
        {
            // Demo logins are printed at every start, so they must keep working even after someone changed them.
            await users.RemovePasswordAsync(user);
            CompanyService.ThrowIfFailed(await users.AddPasswordAsync(user, password), "user");
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }

        if (!await users.IsInRoleAsync(user, role))
        {
            CompanyService.ThrowIfFailed(await users.AddToRoleAsync(user, role), "user");
        }

        return user;
    }
}
