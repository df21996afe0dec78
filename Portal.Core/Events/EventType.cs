namespace Jakamo.Portal.Core.Events;

public enum EventGroup
{
    PurchaseOrder = 0,
    SalesOrder = 1,
    Asn = 2,
}

/// <summary>One entry of the fixed event-type catalog.</summary>
public sealed class EventType
{
    public required string Name { get; set; }

    public EventGroup Group { get; set; }

    public required string Description { get; set; }
}

/// <summary>The stable event-type names and their descriptions.</summary>
public static class EventTypeCatalog
{
    public const string PoCreated = "po.created";
    public const string PoChanged = "po.changed";
    public const string PoResponse = "po.response";
    public const string SoCreated = "so.created";
    public const string SoChanged = "so.changed";
    public const string AsnCreated = "asn.created";
    public const string AsnChanged = "asn.changed";

    public static IReadOnlyList<EventType> All { get; } =
    [
        new() { Name = PoCreated, Group = EventGroup.PurchaseOrder, Description = "A buyer sent a new purchase order." },
        new() { Name = PoChanged, Group = EventGroup.PurchaseOrder, Description = "A buyer changed an existing purchase order." },
        new() { Name = PoResponse, Group = EventGroup.PurchaseOrder, Description = "A supplier responded to a purchase order." },
        new() { Name = SoCreated, Group = EventGroup.SalesOrder, Description = "A new sales order arrived from a customer." },
        new() { Name = SoChanged, Group = EventGroup.SalesOrder, Description = "An existing sales order was changed." },
        new() { Name = AsnCreated, Group = EventGroup.Asn, Description = "An advance shipping notice was created." },
        new() { Name = AsnChanged, Group = EventGroup.Asn, Description = "An advance shipping notice was changed." },
    ];

    public static bool IsKnown(string name) => All.Any(e => e.Name == name);

    public static string GroupLabel(EventGroup group) => group switch
    {
        EventGroup.PurchaseOrder => "PO events",
        EventGroup.SalesOrder => "SO events",
        EventGroup.Asn => "ASN events",
        _ => group.ToString(),
    };
}
