using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace Jakamo.Portal.Features.Deliveries;

/// <summary>Pretty-prints XML and JSON payloads for reading; anything else, or anything that does not parse, is shown as is.</summary>
public static class PayloadFormatter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(string? contentType, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return body ?? "";
        }

        var trimmed = body.TrimStart();
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        try
        {
            if (media.EndsWith("json", StringComparison.Ordinal) || (media.Length == 0 && trimmed.StartsWith('{')))
            {
                return JsonNode.Parse(body)?.ToJsonString(Indented) ?? body;
            }

            if (media.EndsWith("xml", StringComparison.Ordinal) || (media.Length == 0 && trimmed.StartsWith('<')))
            {
                var document = XDocument.Parse(body, LoadOptions.None);
                var declaration = document.Declaration is null ? "" : document.Declaration + "\n";
                return declaration + document.ToString(SaveOptions.None);
            }
        }
        catch (Exception ex) when (ex is JsonException or XmlException)
        {
            // Shown as received: a receiver's broken body is worth seeing exactly.
        }

        return body;
    }

    public static string Kind(string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        return media.EndsWith("json", StringComparison.Ordinal) ? "JSON" : media.EndsWith("xml", StringComparison.Ordinal) ? "XML" : "text";
    }
}
