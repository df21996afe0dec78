using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The one shared bUnit setup: MudBlazor services, loose JS interop, an interactive server renderer, fake time.</summary>
public abstract class PortalBunitContext : BunitContext, IAsyncLifetime
{
    protected PortalBunitContext()
    {
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Time);
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously, so the container must be disposed that way.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
}
