using Microsoft.Playwright;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>Saves the screenshots the browser tests take. With JAKAMO_UPDATE_SCREENSHOTS=1 they replace the README's
/// pictures in docs/screenshots; otherwise they go to the test output, so a test run leaves the working tree as it was.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("JAKAMO_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(FindRepositoryRoot(), "docs", "screenshots")
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task SaveAsync(IPage page, string fileName, bool fullPage = false)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, fileName);
        // Park the mouse on the drawer's empty corner and drop focus, so no hover or focus halo from the last click shows.
        await page.Mouse.MoveAsync(1, page.ViewportSize!.Height - 1);
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            FullPage = fullPage,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
        });
        Assert.True(new FileInfo(path).Length > 10_000, $"The screenshot {path} is suspiciously small.");
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Jakamo.Portal.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Jakamo.Portal.sln above {AppContext.BaseDirectory}.");
    }
}
