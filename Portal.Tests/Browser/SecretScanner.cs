using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>
/// Looks for known secrets in text: as typed, HTML-, JavaScript- or URL-encoded, in base64 (standard or URL-safe), and
/// inside any base64 blob of the text. Records where each one was found, so a test can allow the one place it belongs.
/// </summary>
public sealed partial class SecretScanner
{
    private readonly Dictionary<string, string[]> _forms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _allowed = new(StringComparer.Ordinal);
    private readonly List<(string Secret, string Place, string Context)> _hits = [];
    private int _scanned;

    /// <summary>Registers a secret by a readable name; <paramref name="alsoAs"/> adds derived forms, such as a Basic header's user:password.</summary>
    public void Add(string name, string value, params string[] alsoAs)
    {
        Assert.True(value.Length >= 12, $"Secret '{name}' is too short to scan for without false alarms.");
        _forms[name] = [.. new[] { value }.Concat(alsoAs).SelectMany(Forms).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Allows <paramref name="secret"/> at exactly this place (for example the page that shows a new signing secret once).</summary>
    public void AllowAt(string secret, string place)
    {
        if (!_allowed.TryGetValue(secret, out var places))
        {
            _allowed[secret] = places = new HashSet<string>(StringComparer.Ordinal);
        }

        places.Add(place);
    }

    public void Scan(string place, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        _scanned++;
        foreach (var candidate in WithDecodedBase64(text))
        {
            foreach (var (name, forms) in _forms)
            {
                foreach (var form in forms)
                {
                    var at = candidate.IndexOf(form, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        _hits.Add((name, place, Around(candidate, at, form)));
                        break;
                    }
                }
            }
        }
    }

    public void Scan(string place, byte[]? utf8) => Scan(place, utf8 is null ? null : Encoding.UTF8.GetString(utf8));

    /// <summary>The places where <paramref name="secret"/> was found.</summary>
    public IReadOnlyList<string> PlacesOf(string secret) => [.. _hits.Where(h => h.Secret == secret).Select(h => h.Place).Distinct()];

    /// <summary>Fails, naming each secret and place (never the value), if a secret was found anywhere it was not allowed.</summary>
    public void AssertNoLeaks(int minimumTextsScanned)
    {
        Assert.True(_scanned >= minimumTextsScanned, $"Only {_scanned} texts were scanned; expected at least {minimumTextsScanned}.");
        var leaks = _hits
            .Where(h => !_allowed.TryGetValue(h.Secret, out var places) || !places.Contains(h.Place))
            .GroupBy(h => (h.Secret, h.Place))
            .Select(g => $"- {g.Key.Secret} in {g.Key.Place}: …{g.First().Context}…")
            .ToList();
        Assert.True(leaks.Count == 0, "Secrets leaked:\n" + string.Join("\n", leaks));
    }

    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        yield return HtmlEncoder.Default.Encode(value);
        yield return JavaScriptEncoder.Default.Encode(value);
        yield return UrlEncoder.Default.Encode(value);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        // Only whole 4-character groups, so the secret is also found at the start of a longer base64 text.
        var whole = base64[..(Encoding.UTF8.GetByteCount(value) / 3 * 4)];
        yield return whole;
        yield return whole.Replace('+', '-').Replace('/', '_');
    }

    private static IEnumerable<string> WithDecodedBase64(string text)
    {
        yield return text;
        foreach (Match blob in Base64Blob().Matches(text))
        {
            var standard = blob.Value.TrimEnd('=').Replace('-', '+').Replace('_', '/');
            if (standard.Length % 4 == 1)
            {
                standard = standard[..^1];
            }

            standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
            var bytes = new byte[standard.Length];
            if (Convert.TryFromBase64String(standard, bytes, out var written))
            {
                yield return Encoding.UTF8.GetString(bytes, 0, written);
            }
        }
    }

    private static string Around(string text, int at, string form)
    {
        var start = Math.Max(0, at - 40);
        var end = Math.Min(text.Length, at + form.Length + 40);
        return text[start..at] + "<secret>" + text[(at + form.Length)..end];
    }

    [GeneratedRegex("[A-Za-z0-9+/_-]{24,}={0,2}")]
    private static partial Regex Base64Blob();
}
