namespace HybridLogging.Insights;

/// <summary>
/// A webhook that receives alerts as an HTTP POST. Deliveries run on a background loop per webhook, with a timeout
/// per attempt and retries with exponential backoff; outcomes are counted in <see cref="AlertStats"/>.
/// </summary>
/// <remarks>
/// <see cref="Url"/> and <see cref="Headers"/> are treated as secrets (a Slack webhook URL carries its token in the
/// path): neither appears in logs, exceptions, self-diagnostics or <see cref="object.ToString"/>; diagnostics name the
/// webhook by its key in <see cref="AlertOptions.Webhooks"/>.
/// </remarks>
public sealed class WebhookOptions
{
    /// <summary>The absolute <c>http</c> or <c>https</c> URL to POST to. Required.</summary>
    public string? Url { get; set; }

    /// <summary>The body shape. Default <see cref="WebhookFormat.Json"/>.</summary>
    public WebhookFormat Format { get; set; } = WebhookFormat.Json;

    /// <summary>Headers added to every request (for example <c>Authorization</c>). Values are never logged. Empty by default.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The lowest severity sent. Default <see cref="AlertSeverity.Info"/> (every alert).</summary>
    public AlertSeverity MinimumSeverity { get; set; } = AlertSeverity.Info;

    /// <summary>Whether resolve notices are sent too. Default <see langword="true"/>.</summary>
    public bool SendResolved { get; set; } = true;

    /// <summary>How long one attempt may take before it is abandoned (and retried). Default 10 seconds (100 ms to 5 minutes).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a failed attempt (connection error, timeout, HTTP 408, 429 or 5xx) is retried. Default 3 (0 to 10).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry, doubled for each further one (with jitter). Default 1 second (1 ms to 1 minute).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the settings and returns one message per problem (never quoting the URL or header values); empty when valid.</summary>
    /// <param name="name">The webhook's name, used in the messages.</param>
    public IReadOnlyList<string> Validate(string name)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Webhook '{name}': Url must be an absolute http or https URL.");
        }

        if (!Enum.IsDefined(Format))
        {
            errors.Add($"Webhook '{name}': Format must be Json or Slack (was {Format}).");
        }

        if (!Enum.IsDefined(MinimumSeverity))
        {
            errors.Add($"Webhook '{name}': MinimumSeverity must be Info, Warning or Critical (was {MinimumSeverity}).");
        }

        if (Timeout < TimeSpan.FromMilliseconds(100) || Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Webhook '{name}': Timeout must be between 00:00:00.1 and 00:05:00 (was {Timeout}).");
        }

        if (MaxRetries is < 0 or > 10)
        {
            errors.Add($"Webhook '{name}': MaxRetries must be between 0 and 10 (was {MaxRetries}).");
        }

        if (RetryBaseDelay < TimeSpan.FromMilliseconds(1) || RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Webhook '{name}': RetryBaseDelay must be between 00:00:00.001 and 00:01:00 (was {RetryBaseDelay}).");
        }

        using var probe = new HttpRequestMessage();
        foreach (var header in Headers)
        {
            // Only the name is checked and quoted: the value is a secret.
            if (!probe.Headers.TryAddWithoutValidation(header.Key, "x"))
            {
                errors.Add($"Webhook '{name}': header '{header.Key}' cannot be set on a request.");
            }
        }

        return errors;
    }

    internal string Fingerprint(string name) =>
        string.Join('\n', name, Url, Format, MinimumSeverity, SendResolved, Timeout.Ticks, MaxRetries, RetryBaseDelay.Ticks,
            string.Join('\n', Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + "\n" + h.Value)));
}
