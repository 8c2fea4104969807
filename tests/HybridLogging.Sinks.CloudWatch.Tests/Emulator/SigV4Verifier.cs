using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HybridLogging.Sinks.CloudWatch.Tests.Emulator;

/// <summary>
/// Recomputes a request's SigV4 signature from scratch with the known secret, independently of AWSSDK.Core (canonical
/// request, string to sign, derived key, HMAC), so a broken signer fails the emulator's check. Checked itself against
/// AWS's published get-vanilla test vector.
/// </summary>
internal static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The parts of an <c>Authorization</c> header.</summary>
    public sealed record Authorization(string AccessKey, string Date, string Region, string Service, string[] SignedHeaders, string Signature);

    public static Authorization? ParseAuthorization(string? header)
    {
        if (header is null || !header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return null;
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            switch (key)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        var scope = credential?.Split('/');
        if (scope is not { Length: 5 } || scope[4] != "aws4_request" || signedHeaders is null || signature is null)
        {
            return null;
        }

        return new Authorization(scope[0], scope[1], scope[2], scope[3], signedHeaders.Split(';'), signature);
    }

    /// <summary>The hex signature of a request (headers: every header of the request; only the signed ones are used).</summary>
    public static string ComputeSignature(
        string method, string canonicalUri, string canonicalQuery, IReadOnlyDictionary<string, string> headers,
        IReadOnlyList<string> signedHeaders, string payloadHash, string amzDate, string region, string service, string secretKey)
    {
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var name in signedHeaders)
        {
            canonical.Append(name).Append(':').Append(CanonicalValue(headers[name])).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    /// <summary>Sorted, encoded query string as SigV4 canonicalizes it.</summary>
    public static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Encode(Uri.UnescapeDataString(p[0])), Value: p.Length > 1 ? Encode(Uri.UnescapeDataString(p[1])) : string.Empty))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Hex(SHA256.HashData(bytes));

    public static DateTimeOffset ParseAmzDate(string value) =>
        DateTimeOffset.ParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string CanonicalValue(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
