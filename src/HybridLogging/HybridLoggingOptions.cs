using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// Settings of the HybridLogging provider; bound from <c>Logging:HybridLogging</c> and reloaded live
/// (levels, sources, mappings, configuration-declared sinks and streams take effect on reload; queue sizes at start).
/// A reload is applied whole or not at all: one that cannot be parsed, bound or validated (including its destinations'
/// types and sink settings) keeps the last good configuration and is reported once
/// (<see cref="HybridLoggingStats.RejectedReloads"/>).
/// </summary>
public sealed class HybridLoggingOptions
{
    private readonly List<SinkRegistration> _codeSinks = [];
    private readonly List<ILogSinkFactory> _sinkFactories = [];
    private readonly List<ILogEntryObserver> _observers = [];

    /// <summary>
    /// Lowest level the provider accepts. Default <see cref="LogLevel.Trace"/>: whatever the Microsoft.Extensions.Logging
    /// filter rules (<c>Logging:LogLevel</c>) let through.
    /// </summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Trace;

    /// <summary>Minimum levels by category prefix (MEL rules: the longest matching prefix wins). Default empty.</summary>
    public Dictionary<string, LogLevel> CategoryLevels { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-source settings (enable/disable, minimum level), keyed by source name. Default empty.</summary>
    public Dictionary<string, SourceOptions> Sources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Category prefix to source name (the longest matching prefix wins). Default empty: the source is the category's
    /// last dot-separated segment (<c>MyApp.Routing.HybridRouter</c> becomes <c>HybridRouter</c>).
    /// </summary>
    public Dictionary<string, string> SourceMappings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Capacity of the pipeline's lock-free queue, rounded up to a power of two. Default 16,384. Read at start.</summary>
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>What a log call does when the queue is full. Default <see cref="QueueFullMode.DropNewest"/> (never slows the app).</summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>Longest wait of a log call under <see cref="QueueFullMode.Block"/> before it drops. Default 100 ms.</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Entries per batch handed to a sink (a full batch is written at once). Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest time an entry waits for its batch to fill before it is written. Default 5 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposal waits for queued entries to be written; the rest are counted as dropped. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <c>BeginScope</c> values are captured. Default true.</summary>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>Longest rendered message kept, in characters; longer ones are truncated with a marker. Default 32,768.</summary>
    public int MaxMessageLength { get; set; } = 32 * 1024;

    /// <summary>Longest string property value kept, in characters. Default 8,192.</summary>
    public int MaxPropertyLength { get; set; } = 8 * 1024;

    /// <summary>Deepest nesting of collection property values kept; deeper values become a marker. Default 4.</summary>
    public int MaxPropertyDepth { get; set; } = 4;

    /// <summary>Most items kept of a collection property value. Default 100.</summary>
    public int MaxCollectionItems { get; set; } = 100;

    /// <summary>Most properties kept per entry. Default 64.</summary>
    public int MaxProperties { get; set; } = 64;

    /// <summary>
    /// Names of properties whose values are replaced by <c>***</c> before any sink sees the entry (template arguments,
    /// scope and correlation properties, and keys nested in dictionary values); the same names mark secret values in
    /// text (<c>password=…</c>, <c>"apiKey": "…"</c>, <c>Authorization: …</c>) when <see cref="RedactSecretValues"/> is on.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Names are matched by <b>word tokens</b>, not substrings. A property name is split into words at separators
    /// (<c>_ - . :</c>, spaces), at case changes (<c>apiKey</c>, and acronyms: <c>APIKey</c>, <c>AWSSecretAccessKey</c>) and
    /// between letters and digits, then lower-cased. An entry is a word or a sequence of words written in any spelling
    /// (<c>"api key"</c>, <c>"api_key"</c> and <c>"ApiKey"</c> are the same entry) and matches a name where its letters
    /// and digits equal a run of whole words of the name: <c>apikey</c> matches <c>ApiKey</c>, <c>api_key</c>,
    /// <c>API-KEY</c>, <c>x-api-key</c>; <c>password</c> matches <c>Password</c>, <c>user_password</c>, <c>DbPassword</c>,
    /// <c>PASSWORD_HASH</c>, but not <c>Passwordless</c>; <c>token</c> does not match <c>tokenizer</c> or <c>MaxTokens</c>.
    /// An entry of five or more characters also matches at the end of a longer word, for names with no visible
    /// boundary (<c>dbpassword</c>, <c>ACCESSTOKEN</c>).
    /// </para>
    /// <para>
    /// A name that <i>describes</i> a secret rather than holding it is not redacted: one where the matched words are
    /// followed by policy, policies, length, len, count, size, min, max, limit, budget, usage, used, expiry, expires,
    /// expiration, expired, lifetime, ttl, age, changed, reset, rotation, last, attempt(s), required, enabled, disabled,
    /// set, exists, present,
    /// missing, valid, validation, validated, invalid, strength, complexity, rule(s), type, kind, scheme, level, result,
    /// status, state, source, provider, endpoint, url, uri, path, file, name, id(s), arn, version, format, algorithm, alg,
    /// method, issuer, audience, options, settings, config, configuration, masked, prefix, suffix or consent
    /// (<c>PasswordPolicy</c>, <c>TokenCount</c>, <c>AuthorizationLevel</c>, <c>SecretName</c>, <c>AccessKeyId</c>,
    /// <c>PrivateKeyPath</c>), or preceded by has, is, max, min, num, total, require(s), needs, cancellation, continuation,
    /// pagination, page, next or sync (<c>HasPassword</c>, <c>CancellationToken</c>, <c>NextToken</c>). Object-valued
    /// names such as <c>JwtOptions</c> are not redacted whole; their secret keys are, one by one.
    /// </para>
    /// <para>
    /// Default: password, passwords, passwd, pwd, passphrase; secret, secrets; token, bearer, jwt (access, refresh, id,
    /// session and CSRF tokens are all "…token"); apikey, apikeys; authorization; cookie, cookies (covers
    /// <c>Set-Cookie</c>); accesskey, secretkey, privatekey, signingkey, encryptionkey, sessionkey, accountkey, masterkey;
    /// connectionstring, connectionstrings; credential, credentials, creds; signature; otp, pin; ssn; cardnumber, cvv, cvc.
    /// Deliberately not included: session id (<c>SessionId</c> is a correlation field of the entry; session cookies and
    /// session tokens are covered), the bare word key (<c>PartitionKey</c>, <c>CacheKey</c>, <c>PublicKey</c>), the plural
    /// tokens (token counts of language-model calls: <c>PromptTokens</c>, <c>MaxTokens</c>), pass and auth (too many
    /// harmless uses: <c>Bypass</c>, <c>AuthType</c>). The previous defaults (password, secret, token, apikey,
    /// authorization, accesskey, secretkey, connectionstring, credential) are all still included. Entries without a
    /// letter or digit are ignored; an empty set redacts no property by name.
    /// </para>
    /// </remarks>
    public HashSet<string> RedactedProperties { get; } = new(Internal.Redaction.SecretNames.DefaultEntries, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether secret <i>values</i> are also recognised by their shape and replaced by <c>***</c> in the rendered message
    /// and in every string property value, whatever the property's name. Default true.
    /// </summary>
    /// <remarks>
    /// Recognised: the credentials after <c>Bearer</c> (8+ token characters with a digit, or 16+) and after <c>Basic</c>
    /// (base64 of <c>user:password</c>); JSON Web Tokens (<c>eyJ….….…</c>); AWS access key ids (<c>AKIA</c>/<c>ASIA</c> +
    /// 16 upper-case letters or digits); 40-character base64 runs with upper- and lower-case letters and digits (AWS
    /// secret access keys; hex digests such as SHA-1 are left alone); the body of PEM <c>PRIVATE KEY</c> blocks; card
    /// numbers (13–19 digits starting with 2–6, ungrouped or grouped 4-4-4-4 / 4-6-5 by spaces or dashes, passing the
    /// Luhn check); the value after a <see cref="RedactedProperties"/> name followed by <c>=</c> or <c>:</c>
    /// (<c>Password=…;</c> in connection strings, <c>?access_token=…&amp;</c>, <c>"apiKey": "…"</c>,
    /// <c>Authorization: Bearer …</c>); and the password in <c>scheme://user:password@host</c>. Only the secret's own
    /// characters are replaced (<c>Bearer ***</c>, <c>Password=***;</c>); the rest of the text is kept. Turn this off when
    /// the application logs numbers that pass for card numbers (Luhn-valid ids) and carries no such values.
    /// </remarks>
    public bool RedactSecretValues { get; set; } = true;

    /// <summary>Static metadata added to every entry (for example environment, host). Default empty.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Destinations declared in configuration, keyed by name; <see cref="SinkOptions.Type"/> names the sink type. Each is
    /// opened at start: one that cannot start fails start-up unless its <see cref="SinkOptions.StartupFailure"/> is
    /// <see cref="SinkStartupFailure.Tolerate"/>. Default empty.
    /// </summary>
    public Dictionary<string, SinkOptions> Sinks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Named streams (filters plus destinations), keyed by id; applied at start and on every reload. Streams created at
    /// run time through <see cref="LogStreamManager"/> are not affected by reloads. Default empty.
    /// </summary>
    public Dictionary<string, LogStreamConfig> Streams { get; } = new(StringComparer.Ordinal);

    /// <summary>Declares a stream in code (same as an entry under <c>Streams</c> in configuration).</summary>
    public HybridLoggingOptions AddStream(LogStreamConfig stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream.Id);
        Streams[stream.Id] = stream;
        return this;
    }

    /// <summary>Registers a sink factory for a destination type (in addition to factories registered as services).</summary>
    public HybridLoggingOptions AddSinkFactory(ILogSinkFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _sinkFactories.Add(factory);
        return this;
    }

    internal IReadOnlyList<ILogSinkFactory> GetSinkFactories() => _sinkFactories;

    /// <summary>Adds an observer that sees every dispatched entry on the dispatcher thread (see <see cref="ILogEntryObserver"/>).</summary>
    public HybridLoggingOptions AddObserver(ILogEntryObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!_observers.Contains(observer))
        {
            _observers.Add(observer);
        }

        return this;
    }

    internal IReadOnlyList<ILogEntryObserver> GetObservers() => _observers;

    // Sinks added in code; not bindable from configuration.
    internal IReadOnlyList<SinkRegistration> GetCodeSinks() => _codeSinks;

    /// <summary>Adds a sink created from the application's services.</summary>
    public HybridLoggingOptions AddSink(string name, Func<IServiceProvider, ILogSink> factory, Action<SinkOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        var options = new SinkOptions();
        configure?.Invoke(options);
        _codeSinks.RemoveAll(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        _codeSinks.Add(new SinkRegistration(name, factory, options));
        return this;
    }

    /// <summary>Adds a sink instance with per-destination settings. The pipeline disposes it at shutdown.</summary>
    public HybridLoggingOptions AddSink(string name, ILogSink sink, Action<SinkOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return AddSink(name, _ => sink, configure);
    }

    /// <summary>Adds a sink instance with default destination settings. The pipeline disposes it at shutdown.</summary>
    public HybridLoggingOptions AddSink(string name, ILogSink sink) => AddSink(name, sink, null);

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (QueueCapacity is < 2 or > (1 << 24))
        {
            errors.Add($"QueueCapacity must be between 2 and 16777216 (was {QueueCapacity}).");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            errors.Add($"BatchSize must be between 1 and 100000 (was {BatchSize}).");
        }

        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"FlushInterval must be greater than zero and at most one hour (was {FlushInterval}).");
        }

        if (BlockTimeout < TimeSpan.Zero || BlockTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"BlockTimeout must be between zero and one minute (was {BlockTimeout}).");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"ShutdownTimeout must not be negative (was {ShutdownTimeout}).");
        }

        if (!Enum.IsDefined(FullMode))
        {
            errors.Add($"FullMode must be DropNewest, DropOldest or Block (was {FullMode}).");
        }

        if (MaxMessageLength < 16)
        {
            errors.Add($"MaxMessageLength must be at least 16 (was {MaxMessageLength}).");
        }

        if (MaxPropertyLength < 16)
        {
            errors.Add($"MaxPropertyLength must be at least 16 (was {MaxPropertyLength}).");
        }

        if (MaxPropertyDepth is < 1 or > 32)
        {
            errors.Add($"MaxPropertyDepth must be between 1 and 32 (was {MaxPropertyDepth}).");
        }

        if (MaxCollectionItems < 1)
        {
            errors.Add($"MaxCollectionItems must be at least 1 (was {MaxCollectionItems}).");
        }

        if (MaxProperties < 1)
        {
            errors.Add($"MaxProperties must be at least 1 (was {MaxProperties}).");
        }

        foreach (var (name, sink) in Sinks)
        {
            if (string.IsNullOrWhiteSpace(sink.Type))
            {
                errors.Add($"Sink '{name}': Type is required (for example \"Console\" or \"File\").");
            }

            errors.AddRange(sink.Validate(name));
        }

        foreach (var (id, stream) in Streams)
        {
            var probe = stream.Clone();
            if (string.IsNullOrWhiteSpace(probe.Id))
            {
                probe.Id = id;
            }

            errors.AddRange(probe.Validate());
        }

        foreach (var registration in _codeSinks)
        {
            errors.AddRange(registration.Options.Validate(registration.Name));
        }

        return errors;
    }
}

/// <summary>A sink added in code (kept by <see cref="HybridLoggingOptions"/> for the pipeline; not part of the public API).</summary>
/// <param name="Name">Destination name.</param>
/// <param name="Factory">Creates the sink from the application's services.</param>
/// <param name="Options">The destination's pipeline settings.</param>
internal sealed record SinkRegistration(string Name, Func<IServiceProvider, ILogSink> Factory, SinkOptions Options);
