using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Jakamo.Portal.Core.Security;

/// <summary>Encrypts webhook secrets at rest with ASP.NET Core Data Protection.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedValue);
}

internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Jakamo.Portal.WebhookSecrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedValue)
    {
        try
        {
            return _protector.Unprotect(protectedValue);
        }
        catch (CryptographicException ex)
        {
            // Never include the payload: the message may end up in a log.
            throw new InvalidOperationException("A stored secret could not be decrypted; its Data Protection key may be missing.", ex);
        }
    }
}

/// <summary>Random secrets and tokens.</summary>
public static class SecretGenerator
{
    /// <summary>A Standard Webhooks signing secret: <c>whsec_</c> and base64 of 32 random bytes.</summary>
    public static string NewSigningSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A readable one-time password that satisfies the Identity password rules.</summary>
    public static string NewOneTimePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = Enumerable.Range(0, 14).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        return "Jp-" + new string([.. chars]) + "-7a";
    }

    public static string NewApiToken() =>
        "jkp_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sha256Hex(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
