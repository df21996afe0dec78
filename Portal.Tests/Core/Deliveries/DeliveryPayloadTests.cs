using System.Security.Cryptography;
using System.Text;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Webhooks;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Delivery": the body byte for byte, and every header, at a real receiver.</summary>
public sealed class DeliveryPayloadTests : IAsyncLifetime
{
    private const string UblOrder = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\">\r\n  <ID>4711</ID>\t<Note>Größe ÄÖ – 5 € ✓</Note>\n</Order>";
    private const string AsnJson = "{\"asnNumber\":\"ASN-1\",\n  \"lines\":[{\"item\":\"HV-220\",\"qty\":12.50}],\"note\":\"åäö \\u2603\"}";

    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SalesOrderXml_ArrivesByteIdentical_WithEveryHeader()
    {
        var webhook = await _h.WebhookAsync(w => w.GenerateSigningSecret = false);
        var published = await _h.PublishAsync("so.created", payload: UblOrder, queue: true, contentType: "application/xml");

        await _h.RunJobsAsync();

        var request = Assert.Single(_h.Receiver.Requests);
        var delivery = await _h.DeliveryAsync(published.EventId);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Encoding.UTF8.GetBytes(UblOrder), request.Body);
        Assert.Equal("application/xml", request.Header("Content-Type"));
        Assert.Equal("so.created", request.Header("X-Jakamo-Event"));
        Assert.Equal(published.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("X-Jakamo-Event-Id"));
        Assert.Equal(delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("X-Jakamo-Delivery-Id"));
        Assert.Equal($"https://portal.example.com/api/queue/{published.QueueMessageId}/ack", request.Header("X-Acknowledge-Uri"));
        Assert.StartsWith("Jakamo-Webhook/", request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("jakamo:basic-secret-P4ss")), request.Header("Authorization"));
        Assert.False(request.Headers.ContainsKey("webhook-signature"));
        Assert.Equal(DeliveryStatus.Succeeded, delivery.Status);
        Assert.Equal(webhook.Id, delivery.WebhookId);
        var afterSending = await _h.Core.Get<WebhookService>().GetAsync(Builders.TestData.Support, webhook.Id);
        Assert.True(afterSending.HasSentMessages);
        Assert.False(afterSending.CanDelete);
    }

    [Fact]
    public async Task AsnJson_ArrivesByteIdentical_SignedAsStandardWebhooks_WithTheApiKeyHeader()
    {
        var saved = await _h.Core.Get<WebhookService>().CreateAsync(Builders.TestData.AdminOf(_h.Company.Id), Builders.TestData.Webhook(w =>
        {
            w.Name = "ASN receiver";
            w.PayloadUrl = _h.Receiver.Url("asn").ToString();
            w.AuthMethod = WebhookAuthMethod.ApiKeyHeader;
            w.ApiKeyHeaderName = "X-Api-Key";
            w.ApiKeyValue = "api-key-value-123";
            w.EventTypes = ["asn.created"];
            w.GenerateSigningSecret = true;
        }));
        var published = await _h.PublishAsync("asn.created", payload: AsnJson, contentType: "application/json");

        await _h.RunJobsAsync();

        var request = Assert.Single(_h.Receiver.Requests);
        Assert.Equal(Encoding.UTF8.GetBytes(AsnJson), request.Body);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("api-key-value-123", request.Header("X-Api-Key"));
        Assert.False(request.Headers.ContainsKey("X-Acknowledge-Uri"));
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.True(IndependentStandardWebhooks.Verify(saved.NewSigningSecret!, request), "The signature does not verify.");

        var stored = Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts);
        Assert.DoesNotContain("api-key-value-123", stored.RequestHeaders, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", stored.RequestHeaders, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookAndEventIds_StayTheSame_AcrossRetriesAndResends()
    {
        await _h.WebhookAsync(w => w.GenerateSigningSecret = true);
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromMinutes(2));
        await _h.RunJobsAsync();
        var delivery = await _h.DeliveryAsync(published.EventId);
        await _h.Core.Get<DeliveryService>().RequestResendAsync(Builders.TestData.Support, delivery.Id);
        await _h.RunJobsAsync();

        var requests = _h.Receiver.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Header("webhook-id")).Distinct());
        Assert.Single(requests.Select(r => r.Header("X-Jakamo-Event-Id")).Distinct());
        Assert.Single(requests.Select(r => r.Header("X-Jakamo-Delivery-Id")).Distinct());
    }

    [Fact]
    public async Task StoredAttempt_MasksTheAuthorizationHeader_AndKeepsTheRestOfTheExchange()
    {
        await _h.WebhookAsync();
        _h.Receiver.AnswerWith(201, "{\"received\":4711}", r => r.Headers["X-Receiver"] = "erp-1");
        var published = await _h.PublishAsync("so.created", payload: UblOrder);

        await _h.RunJobsAsync();

        var attempt = Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts);
        Assert.DoesNotContain("basic-secret-P4ss", attempt.RequestHeaders, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("jakamo:basic-secret-P4ss")), attempt.RequestHeaders, StringComparison.Ordinal);
        Assert.Contains("\"Authorization\"", attempt.RequestHeaders, StringComparison.Ordinal);
        Assert.Equal(UblOrder, attempt.RequestBody);
        Assert.Equal(201, attempt.ResponseStatus);
        Assert.Equal("{\"received\":4711}", attempt.ResponseBody);
        Assert.Contains("erp-1", attempt.ResponseHeaders, StringComparison.Ordinal);
        Assert.Equal(AttemptTrigger.First, attempt.Trigger);
        Assert.Equal(AttemptOutcome.Succeeded, attempt.Outcome);
    }
}

/// <summary>The Standard Webhooks check as a receiver would write it, independent of the portal's signer.</summary>
internal static class IndependentStandardWebhooks
{
    public static bool Verify(string secret, Infrastructure.ReceivedRequest request)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{request.Header("webhook-id")}.{request.Header("webhook-timestamp")}.")
            .Concat(request.Body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        return request.Header("webhook-signature").Split(' ').Any(s => s == expected);
    }
}
