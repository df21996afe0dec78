using MudBlazor;

namespace Jakamo.Portal.Components.Layout;

internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            // Every colour carries white text at 4.5:1 or more (WCAG AA), checked by the axe scans in the browser tests.
            Primary = "#0b5f7a",
            Secondary = "#a34700",
            AppbarBackground = "#0b5f7a",
            Success = "#2e7d32",
            Error = "#c62828",
            Warning = "#b45309",
            Info = "#01579b",
            TextDisabled = "rgba(0,0,0,0.62)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
