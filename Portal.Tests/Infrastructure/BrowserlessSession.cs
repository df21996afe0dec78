using System.Net;
using System.Text.RegularExpressions;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>A cookie-keeping HTTP session that posts the portal's static sign-in forms like a browser would.</summary>
public sealed partial class BrowserlessSession : IDisposable
{
    private readonly HttpClient _client;

    public BrowserlessSession(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client => _client;

    /// <summary>Posts a Blazor static form (with its antiforgery token) found on <paramref name="page"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string handler, IDictionary<string, string> fields, bool withAntiforgery = true)
    {
        var html = await _client.GetStringAsync(new Uri(page, UriKind.Relative));
        var values = new Dictionary<string, string>(fields) { ["_handler"] = handler };
        if (withAntiforgery)
        {
            values["__RequestVerificationToken"] = AntiforgeryToken(html);
        }

        return await _client.PostAsync(new Uri(page, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        PostFormAsync("account/login", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>Signs in a new user with their one-time password and replaces it with <paramref name="newPassword"/>, so
    /// the session passes the must-change-password gate like a real first visit.</summary>
    public async Task SignInWithOwnPasswordAsync(string email, string oneTimePassword, string newPassword)
    {
        using var signIn = await SignInAsync(email, oneTimePassword);
        using var changed = await PostFormAsync("account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = oneTimePassword,
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });
        if (changed.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Changing the one-time password of {email} answered {(int)changed.StatusCode}.");
        }
    }

    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

public static class UriExtensions
{
    /// <summary>The path and query of a redirect target, whether it came absolute or relative.</summary>
    public static string PathAndQuery(this Uri location, Uri baseAddress) => new Uri(baseAddress, location).PathAndQuery;
}
