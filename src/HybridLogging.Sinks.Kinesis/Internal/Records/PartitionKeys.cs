using System.Text;
using System.Text.Json;

namespace HybridLogging.Sinks.Kinesis.Internal.Records;

/// <summary>Chooses each entry's partition key according to <see cref="KinesisSinkOptions.PartitionKey"/>.</summary>
internal sealed class PartitionKeys
{
    private static readonly byte[] PropertiesField = "properties"u8.ToArray();
    private readonly KinesisPartitionKeySource _source;
    private readonly byte[]? _property;

    public PartitionKeys(KinesisPartitionKeySource source, string? property)
    {
        _source = source;
        _property = source == KinesisPartitionKeySource.Property && property is not null ? Encoding.UTF8.GetBytes(property) : null;
    }

    /// <summary>
    /// The entry's key, at most 256 characters, or null when the entry has none and takes a random key (entries
    /// without a key share an aggregate, each record of which gets its own random key).
    /// </summary>
    public string? KeyOf(in LogRecord record)
    {
        var key = _source switch
        {
            KinesisPartitionKeySource.CorrelationId => record.CorrelationId,
            KinesisPartitionKeySource.Source => record.Source,
            KinesisPartitionKeySource.Property => FindField(record.Bytes.Span, _property!),
            _ => null,
        };
        return string.IsNullOrEmpty(key) ? null : Limit(key);
    }

    /// <summary>A new random key: 32 hex digits, so records spread evenly over the shards' hash ranges.</summary>
    public static string RandomKey() => Guid.NewGuid().ToString("N");

    /// <summary>Cuts a key to 256 characters (UTF-16 units, never splitting a surrogate pair): the service's limit.</summary>
    internal static string Limit(string key)
    {
        if (key.Length <= KinesisSinkOptions.MaxPartitionKeyLength)
        {
            return key;
        }

        var length = KinesisSinkOptions.MaxPartitionKeyLength;
        if (char.IsHighSurrogate(key[length - 1]))
        {
            length--;
        }

        return key[..length];
    }

    /// <summary>
    /// The value of a top-level field of the JSON line, or else of a field of its <c>properties</c> object, as text
    /// (strings unescaped, numbers and booleans as written); null when absent, null-valued or an object or array.
    /// </summary>
    internal static string? FindField(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        string? fromProperties = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(name))
                {
                    reader.Read();
                    return ScalarText(ref reader);
                }

                var isProperties = reader.ValueTextEquals(PropertiesField);
                reader.Read();
                if (isProperties && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var match = reader.ValueTextEquals(name);
                        reader.Read();
                        if (match && fromProperties is null)
                        {
                            fromProperties = ScalarText(ref reader);
                        }

                        reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not our JSON shape (a custom formatter): no key, the record gets a random one.
        }

        return fromProperties;
    }

    private static string? ScalarText(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => null,
    };
}
