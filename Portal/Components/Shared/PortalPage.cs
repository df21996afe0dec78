using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Jakamo.Portal.Components.Shared;

/// <summary>Base for signed-in pages: gives the acting user as the domain services see them.</summary>
public abstract class PortalPage : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected async Task<PortalActor> GetActorAsync()
    {
        var state = AuthenticationState is null ? null : await AuthenticationState;
        return state?.User.ToActor() ?? throw new InvalidOperationException("The page needs a signed-in user.");
    }
}
