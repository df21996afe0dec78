using System.Text.Json.Serialization;
using Jakamo.Portal.Api;
using Jakamo.Portal.Components;
using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Features.Account;
using Jakamo.Portal.Features.Companies;
using Jakamo.Portal.Features.Deliveries;
using Jakamo.Portal.Features.Demo;
using Jakamo.Portal.Features.Events;
using Jakamo.Portal.Features.Firewall;
using Jakamo.Portal.Features.Integrations;
using Jakamo.Portal.Features.Profile;
using Jakamo.Portal.Features.Queue;
using Jakamo.Portal.Features.Webhooks;
using Jakamo.Portal.Jobs;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Jakamo.Portal;

/// <summary>Wires the web host: everything Program.cs calls.</summary>
public static class PortalHost
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPortalCore(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddPortalAuthentication();
        services.AddPortalRateLimits(builder.Configuration);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        // Bottom right: a confirmation must never cover the close button of the dialog or detail that raised it.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

        services.AddProblemDetails();
        services.AddExceptionHandler<PortalExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.AllowTrailingCommas = false;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Jakamo Portal management API";
            document.Info.Description = "Authenticate with a personal API token: Authorization: Bearer <token>. Errors are RFC 9457 problem details.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");
        services.AddPortalJobs(builder.Configuration);
        services.AddPortalRealtime(builder.Configuration);
        services.AddSingleton<DemoReceiverState>();
        services.AddSingleton<DemoGeneratorState>();
        services.AddHostedService<DemoEventGenerator>();
        return builder;
    }

    /// <summary>Migrates and seeds the database, then prints the demo logins in demo mode.</summary>
    public static async Task InitializePortalAsync(this WebApplication app)
    {
        await PortalInitializer.InitializeAsync(app.Services);
        app.StartPortalJobs();
        if (app.Services.GetRequiredService<IOptions<PortalStartupOptions>>().Value.Demo.Enabled)
        {
            // Written to the console, not the log: demo passwords must not reach log sinks.
            Console.WriteLine();
            Console.WriteLine("  Jakamo Portal demo mode. Sign in with one of these demo logins:");
            foreach (var login in PortalInitializer.DemoLogins)
            {
                Console.WriteLine($"    {login.Role,-14} {login.Company,-22} {login.Email,-32} {login.Password}");
            }

            Console.WriteLine();
        }
    }

    private static bool IsPageNotFound(HttpContext context) =>
        context.Response.StatusCode == StatusCodes.Status404NotFound && HttpMethods.IsGet(context.Request.Method)
        && !PortalAuthentication.IsApiRequest(context.Request)
        && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseApiBodyLimit();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseStatusCodePages(async context =>
        {
            // Empty API errors (401, 403, 404, 405, 415) get a problem-details body; pages keep their own.
            if (PortalAuthentication.IsApiRequest(context.HttpContext.Request))
            {
                var status = context.HttpContext.Response.StatusCode;
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Detail = status switch
                        {
                            StatusCodes.Status401Unauthorized => "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
                            StatusCodes.Status403Forbidden => "Your role does not allow this. Support routes need a Jakamo support user.",
                            StatusCodes.Status404NotFound => "There is nothing at this address. See /openapi/v1.json for the API.",
                            StatusCodes.Status413PayloadTooLarge => $"The request body is too large: at most {ApiBodyLimit.MaxBytes:N0} bytes here.",
                            _ => null,
                        },
                    },
                });
            }
        });

        // An unknown page address gets the router's not-found page (the same one a hidden id gets), not an empty 404.
        // Only a browser's GET for a page, and only a 404: API callers keep their problem details, and any other empty
        // error (the Hangfire dashboard's 403, say) keeps its own status without a page that would misname it.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use(async (context, next) =>
        {
            await next(context);
            if (!IsPageNotFound(context) && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }
        });

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMustChangePasswordGate();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapWebhooksApi();
        app.MapIntegrationsApi();
        app.MapCompaniesApi();
        app.MapFirewallApi();
        app.MapTokensApi();
        app.MapEventsApi();
        app.MapQueueApi();
        app.MapDeliveriesApi();
        app.MapPortalJobsDashboard();
        app.MapPortalRealtime();
        if (app.Environment.IsDevelopment())
        {
            app.MapDemoReceiver();
        }

        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("Jakamo Portal API"));
        app.MapHealthChecks("/healthz");
        return app;
    }
}
