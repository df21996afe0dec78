
namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// One portal host shared by a test class. xunit 2 builds class fixtures only through a parameterless
/// constructor, and <see cref="PortalAppFactory"/> has optional parameters instead.
/// </summary>
public sealed class PortalAppFixture : IDisposable
{
    public PortalAppFactory App { get; } = new();

    public void Dispose() => App.Dispose();
}
