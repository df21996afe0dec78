namespace Jakamo.Portal.Core.Common;

/// <summary>A rule was broken by the input; each entry names the field and what to fix.</summary>
public sealed class PortalValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(BuildMessage(errors))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public PortalValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    private static string BuildMessage(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(e => e.Value));
}

/// <summary>The thing asked for does not exist, or belongs to a company the caller cannot see.</summary>
public sealed class PortalNotFoundException(string what) : Exception($"{what} was not found.");

/// <summary>The request is valid but conflicts with the current state.</summary>
public sealed class PortalConflictException(string message) : Exception(message);

/// <summary>The caller's role does not allow this action.</summary>
public sealed class PortalForbiddenException(string message) : Exception(message);
