namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// The tests that load both cores for a minute or more (crash, cluster, load). xunit runs a collection that disables
/// parallelization after all the others, one test at a time, so their load does not starve the browser and timing-bound
/// tests that would otherwise run beside them, and they do not starve each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyCollection
{
    public const string Name = "Heavy";
}
