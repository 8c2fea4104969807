using System.Net;
using System.Text.Json;

namespace HybridLogging.Aws;

/// <summary>Reads the error of a failed JSON 1.1 response: <c>{"__type": "prefix#Code", "message": "..."}</c>, or the <c>x-amzn-ErrorType</c> header.</summary>
internal static class AwsErrorParser
{
    private const int MaxMessageLength = 1024;

    public static AwsServiceException Parse(HttpStatusCode status, string? errorTypeHeader, ReadOnlySpan<byte> body)
    {
        string? type = null;
        string? message = null;
        if (!body.IsEmpty)
        {
            try
            {
                var reader = new Utf8JsonReader(body);
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isType = reader.ValueTextEquals("__type"u8) || reader.ValueTextEquals("code"u8) || reader.ValueTextEquals("Code"u8);
                        var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("Message"u8);
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String && (isType || isMessage))
                        {
                            var value = reader.GetString();
                            if (isType)
                            {
                                type ??= value;
                            }
                            else
                            {
                                message ??= value;
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, a truncated body): the status decides.
            }
        }

        var code = Normalize(type) ?? Normalize(errorTypeHeader) ?? FromStatus(status);
        if (message is { Length: > MaxMessageLength })
        {
            message = message[..MaxMessageLength] + "…";
        }

        return new AwsServiceException(code, status, message);
    }

    // "com.amazonaws.logs#ResourceNotFoundException" → "ResourceNotFoundException";
    // header form "ResourceNotFoundException:http://internal.amazon.com/coral/..." → "ResourceNotFoundException".
    private static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var span = raw.AsSpan().Trim();
        var hash = span.LastIndexOf('#');
        if (hash >= 0)
        {
            span = span[(hash + 1)..];
        }

        var colon = span.IndexOf(':');
        if (colon >= 0)
        {
            span = span[..colon];
        }

        return span.IsEmpty ? null : span.ToString();
    }

    private static string FromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => "ThrottlingException",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailableException",
        HttpStatusCode.Forbidden => "AccessDeniedException",
        _ when (int)status >= 500 => "InternalFailure",
        _ => "Http" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
