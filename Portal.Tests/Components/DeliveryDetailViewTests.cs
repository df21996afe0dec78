using Bunit;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Features.Deliveries;

namespace Jakamo.Portal.Tests.Components;

public sealed class DeliveryDetailViewTests : PortalBunitContext
{
    [Fact]
    public void XmlPayload_IsPrettyPrinted()
    {
        var cut = Render<DeliveryDetailView>(p => p.Add(d => d.Detail, Detail("application/xml", "<Order><ID>4711</ID><Line qty=\"2\"/></Order>")));

        Assert.Equal("<Order>\n  <ID>4711</ID>\n  <Line qty=\"2\" />\n</Order>", cut.Find("[data-testid=request-payload]").TextContent);
        Assert.Contains("Payload (XML)", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonPayload_IsPrettyPrinted_AndABrokenOneShownAsReceived()
    {
        var json = Render<DeliveryDetailView>(p => p.Add(d => d.Detail, Detail("application/json", "{\"asn\":\"A-1\",\"lines\":[1,2]}")));
        var broken = Render<DeliveryDetailView>(p => p.Add(d => d.Detail, Detail("application/json", "{\"asn\":")));

        Assert.Equal("{\n  \"asn\": \"A-1\",\n  \"lines\": [\n    1,\n    2\n  ]\n}", json.Find("[data-testid=request-payload]").TextContent.ReplaceLineEndings("\n"));
        Assert.Equal("{\"asn\":", broken.Find("[data-testid=request-payload]").TextContent);
    }

    [Fact]
    public void CutResponseBody_ShowsItsFullSize_AndHeadersStayMasked()
    {
        var cut = Render<DeliveryDetailView>(p => p.Add(d => d.Detail, Detail("application/xml", "<o/>", truncatedSize: 1_048_576)));

        Assert.Contains("the full body was 1,048,576 bytes", cut.Find("[data-testid=response-cut]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Authorization: Basic ••••••", cut.Find("[data-testid=request-headers]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Manual by support@jakamo.demo", cut.Find("[data-testid=attempt-timeline]").TextContent, StringComparison.Ordinal);
    }

    private static DeliveryDetail Detail(string contentType, string body, long? truncatedSize = null)
    {
        var row = new DeliveryRow(9, 4711, "so.created", null, "SO-4711", 3, "ERP production", 1, DeliveryStatus.Succeeded, 2, DateTime.UnixEpoch, DateTime.UnixEpoch, 200, null, null, false);
        AttemptView Attempt(int number, AttemptTrigger trigger, string? by) => new(
            number, 9, number, trigger, by, DateTime.UnixEpoch, 40, AttemptOutcome.Succeeded, "POST", "https://erp.example.com/hook",
            [new LoggedHeader("Content-Type", contentType), new LoggedHeader("Authorization", "Basic ••••••")], body,
            200, [new LoggedHeader("Content-Type", "text/plain")], truncatedSize is null ? "ok" : new string('x', 65536), truncatedSize ?? 2, truncatedSize is not null,
            [], PayloadsPurged: false);
        return new DeliveryDetail(row, contentType, [Attempt(1, AttemptTrigger.First, null), Attempt(2, AttemptTrigger.Manual, "support@jakamo.demo")]);
    }
}
