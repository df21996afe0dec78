using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The one shared bUnit setup: MudBlazor services, loose JS interop, fake time, an
/// anonymous user a test may sign in, and a late slot for real services.</summary>
public abstract class PortalBunitContext : BunitContext, IAsyncLifetime
{
    private readonly LateServiceProvider _late = new();

    protected PortalBunitContext()
    {
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Time);
        // Services are sealed once the renderer exists (below), before a test can build Portal.Core's over SQLite.
        Services.AddFallbackServiceProvider(_late);
        Authorization = AddAuthorization();
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

    /// <summary>The user components see; anonymous until a test calls <c>SetAuthorized</c>.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Resolves whatever this context does not register itself, such as Portal.Core's services, from <paramref name="services"/>.</summary>
    protected void UseServices(IServiceProvider services) => _late.Inner = services;

    private sealed class LateServiceProvider : IServiceProvider
    {
        public IServiceProvider? Inner { get; set; }

        public object? GetService(Type serviceType) => Inner?.GetService(serviceType);
    }
}
