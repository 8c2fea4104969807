namespace HybridLogging.Internal.Redaction;

/// <summary>What kind of secret value <see cref="SecretPatterns"/> found (for counters and tests).</summary>
internal enum SecretKind
{
    /// <summary>No secret.</summary>
    None,

    /// <summary>The credentials after <c>Bearer</c> (any length of 8 or more token characters).</summary>
    BearerToken,

    /// <summary>The base64 <c>user:password</c> after <c>Basic</c>.</summary>
    BasicCredentials,

    /// <summary>A JSON Web Token (<c>eyJ….….…</c>), including JWE's five segments.</summary>
    Jwt,

    /// <summary>An AWS access key id (<c>AKIA</c>/<c>ASIA</c> and 16 upper-case letters or digits).</summary>
    AwsAccessKeyId,

    /// <summary>A 40-character base64 run with upper- and lower-case letters and digits (an AWS secret access key's shape).</summary>
    AwsSecretAccessKey,

    /// <summary>The body of a PEM <c>PRIVATE KEY</c> block (its BEGIN and END lines are kept).</summary>
    PrivateKeyBlock,

    /// <summary>13 to 19 digits, optionally grouped by spaces or dashes, passing the Luhn check.</summary>
    CardNumber,

    /// <summary>The value in a <c>name=value</c> or <c>name: value</c> pair whose name is a secret name.</summary>
    NamedValue,

    /// <summary>The password of a URL's user information (<c>scheme://user:password@host</c>).</summary>
    UrlPassword,
}
