using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The one shared bUnit setup: MudBlazor services, loose JS interop and fake time.</summary>
public abstract class PortalBunitContext : BunitContext, IAsyncLifetime
{
    protected PortalBunitContext()
    {
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Time);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Renders as an interactive server circuit would. Call it after the test's services are added:
    /// it creates the renderer, after which no service can be added.</summary>
    protected void UseInteractiveServerRenderer() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously, so the container must be disposed that way.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DisposeTestResourcesAsync();
    }

    /// <summary>Disposes what a test class set up besides the renderer, such as a database.</summary>
    protected virtual ValueTask DisposeTestResourcesAsync() => ValueTask.CompletedTask;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
}
