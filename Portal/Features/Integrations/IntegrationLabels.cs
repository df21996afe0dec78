using Jakamo.Portal.Core.Integrations;

namespace Jakamo.Portal.Features.Integrations;

internal static class IntegrationLabels
{
    public static string Kind(IntegrationKind kind) => kind switch
    {
        IntegrationKind.PurchaseOrder => "Purchase order",
        IntegrationKind.SalesOrder => "Sales order",
        IntegrationKind.Asn => "ASN",
        _ => kind.ToString(),
    };
}
