using System.Globalization;
using System.Text;

namespace Jakamo.Portal.Core.Common;

/// <summary>Rules for the short texts people type and other people later read: names, codes, notes, e-mail addresses.</summary>
public static class TextRules
{
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>
    /// True when <paramref name="value"/> holds a control character, an invisible formatting character (such as the
    /// bidirectional overrides that make text read differently from what it is) or half of a surrogate pair. The
    /// zero-width joiner is allowed: emoji sequences need it.
    /// </summary>
    public static bool HasHiddenCharacters(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return true;
            }

            if (Rune.IsControl(rune) || (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format && rune.Value != ZeroWidthJoiner))
            {
                return true;
            }

            rest = rest[used..];
        }

        return false;
    }

    /// <summary>Adds an error for <paramref name="field"/> when <paramref name="value"/> has hidden characters.</summary>
    public static void RejectHiddenCharacters(string? value, ValidationErrors errors, string field, string label)
    {
        if (value is not null && HasHiddenCharacters(value))
        {
            errors.Add(field, $"{label} can't contain control characters or invisible formatting characters.");
        }
    }

    /// <summary>Throws a validation error for <paramref name="field"/> when <paramref name="value"/> has hidden characters.</summary>
    public static void ThrowIfHiddenCharacters(string? value, string field, string label)
    {
        var errors = new ValidationErrors();
        RejectHiddenCharacters(value, errors, field, label);
        errors.ThrowIfAny();
    }

    /// <summary>True for a bare e-mail address such as anna@example.com: no display name, no spaces, nothing hidden.</summary>
    public static bool IsEmailAddress(string value) =>
        value.Length <= 256
        && !HasHiddenCharacters(value)
        && !value.Any(char.IsWhiteSpace)
        && System.Net.Mail.MailAddress.TryCreate(value, out var address)
        && string.Equals(address.Address, value, StringComparison.Ordinal);
}
