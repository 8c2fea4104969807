using HybridLogging.Internal.Redaction;

namespace HybridLogging.Tests.Redaction;

public sealed class SecretNamesTests
{
    // Real-world property, header, form-field and environment-variable names that hold a secret.
    public static readonly TheoryData<string> SecretNamesTable =
    [
        "Password", "password", "PASSWORD", "user_password", "DbPassword", "db-password", "NewPassword", "confirmPassword",
        "PASSWORD_HASH", "PasswordHash", "mypassword", "DBPASSWORD", "Passwd", "pwd", "DB_PWD", "Passphrase",
        "PrivateKeyPassword", "Secret", "ClientSecret", "client_secret", "clientsecret", "WebhookSecret", "Secrets",
        "AWS_SECRET_ACCESS_KEY", "AWSSecretAccessKey", "SecretKey", "secret-key",
        "Token", "AccessToken", "access_token", "RefreshToken", "refresh_token", "IdToken", "id_token", "BearerToken",
        "SessionToken", "X-CSRF-Token", "csrftoken", "ACCESSTOKEN", "OAuth2Token", "GitHubToken", "PasswordResetToken",
        "Bearer", "Jwt", "JWTToken", "jwt_token",
        "ApiKey", "APIKey", "api_key", "API-KEY", "x-api-key", "XApiKey", "apiKey", "ApiKeys", "openai.api_key",
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "Cookies",
        "AccessKey", "aws_access_key", "PrivateKey", "private_key", "PrivateKeyPem", "SigningKey", "EncryptionKey",
        "StorageAccountKey", "MasterKey", "SessionKey",
        "ConnectionString", "DefaultConnectionString", "connection_string", "ConnectionStrings",
        "Credential", "Credentials", "GoogleCredentials", "Creds",
        "Signature", "X-Amz-Signature", "Otp", "OtpCode", "Pin", "PinCode", "Ssn", "SSN",
        "CardNumber", "card_number", "CreditCardNumber", "Cvv", "CVV2", "Cvc",
        "Headers.Authorization", "request.headers.cookie",
    ];

    // Names that merely contain a secret word, or describe a secret without holding it.
    public static readonly TheoryData<string> HarmlessNamesTable =
    [
        "TokenCount", "MaxTokens", "max_tokens", "PromptTokens", "CompletionTokens", "total_tokens", "Tokens",
        "tokenizer", "Tokenizer", "TokenType", "token_type", "TokenExpiry", "TokenEndpoint", "TokenUrl", "TokenId",
        "TokenLifetime", "TokenIssuer", "MaxTokenLength", "CancellationToken", "ContinuationToken", "NextToken", "PageToken",
        "PasswordPolicy", "PasswordLength", "PasswordMinLength", "PasswordExpiresAt", "PasswordLastChanged",
        "PasswordResetRequired", "PasswordStrength", "Passwordless", "HasPassword", "IsPasswordSet", "FailedPasswordAttempts",
        "Author", "AuthorName", "AuthorizationLevel", "AuthorizationPolicy", "AuthorizationResult", "Authenticated",
        "SecretaryName", "Secretary", "SecretName", "SecretArn", "SecretVersion", "IsSecret",
        "KeyboardLayout", "Monkey", "Turkey", "PartitionKey", "CacheKey", "PublicKey", "IdempotencyKey", "Key",
        "AccessKeyId", "ApiKeyId", "ApiKeyName", "PrivateKeyPath", "KeyId",
        "CookieName", "CookieConsent", "CookieOptions", "CredentialType", "CredentialProvider", "ConnectionStringName",
        "SignatureAlgorithm", "SignatureVersion", "SignatureValid",
        "SessionId", "UserId", "RequestId", "CorrelationId", "Shipping", "ShippingAddress", "Mapping", "Opinion",
        "Spinner", "Pinned", "HotPath", "Lesson", "Passenger", "Compass", "Bypass", "Pass", "Email", "UserName", "AuthType",
    ];

    [Theory]
    [MemberData(nameof(SecretNamesTable))]
    public void Names_holding_a_secret_are_secret_names(string name)
    {
        Assert.True(SecretNames.Default.IsSecret(name), name);
        Assert.True(SecretNames.Default.IsSecret(name.AsSpan()), name);
    }

    [Theory]
    [MemberData(nameof(HarmlessNamesTable))]
    public void Names_that_only_contain_or_describe_a_secret_word_are_not(string name)
    {
        Assert.False(SecretNames.Default.IsSecret(name), name);
        Assert.False(SecretNames.Default.IsSecret(name.AsSpan()), name);
    }

    [Fact]
    public void The_tables_are_large_enough_to_mean_something()
    {
        Assert.True(SecretNamesTable.Count >= 40);
        Assert.True(HarmlessNamesTable.Count >= 40);
    }

    [Theory]
    [InlineData("APIKey", "api|key")]
    [InlineData("AWSSecretAccessKey", "aws|secret|access|key")]
    [InlineData("x-api-key", "x|api|key")]
    [InlineData("user_password", "user|password")]
    [InlineData("OAuth2Token", "o|auth|2|token")]
    [InlineData("sha256Hash", "sha|256|hash")]
    [InlineData("APIs", "apis")]
    [InlineData("Headers.Set-Cookie", "headers|set|cookie")]
    [InlineData("PASSWORD_HASH", "password|hash")]
    [InlineData("  ", "")]
    public void Names_split_into_lower_case_tokens_at_case_digit_and_separator_boundaries(string name, string expected)
    {
        var normalized = new char[name.Length];
        var starts = new int[name.Length + 1];
        var count = NameTokenizer.Tokenize(name, normalized, starts);

        var tokens = Enumerable.Range(0, count).Select(i => new string(normalized, starts[i], starts[i + 1] - starts[i]));
        Assert.Equal(expected, string.Join('|', tokens));
    }

    [Theory]
    [InlineData("api-key", "ApiKey")]
    [InlineData("API_KEY", "x-api-key")]
    [InlineData("ssn", "customer_ssn")]
    [InlineData("Tax Id", "TaxId")]
    [InlineData("taxid", "TAX_ID")]
    public void Configured_entries_match_every_spelling_of_their_tokens(string entry, string name)
    {
        var names = new SecretNames([entry]);

        Assert.True(names.IsSecret(name));
        Assert.False(names.IsSecret("Password"));
    }

    [Fact]
    public void Short_entries_match_whole_tokens_only_and_long_ones_also_end_a_longer_token()
    {
        var names = new SecretNames(["ssn", "password"]);

        Assert.True(names.IsSecret("SSN"));
        Assert.False(names.IsSecret("lessnumbers"));
        Assert.True(names.IsSecret("adminpassword"));
        Assert.False(names.IsSecret("passwordless"));
    }

    [Fact]
    public void The_previous_default_entries_are_all_still_secret_names()
    {
        string[] previous = ["password", "secret", "token", "apikey", "authorization", "accesskey", "secretkey", "connectionstring", "credential"];

        Assert.All(previous, entry => Assert.Contains(entry, SecretNames.DefaultEntries));
        Assert.All(previous, entry => Assert.True(SecretNames.Default.IsSecret(entry), entry));
    }

    [Fact]
    public void The_options_default_list_is_the_documented_default()
    {
        Assert.Equal(SecretNames.DefaultEntries.Order(StringComparer.Ordinal), new HybridLoggingOptions().RedactedProperties.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_options_documentation_lists_every_default_entry_and_describing_word()
    {
        var docs = System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, "HybridLogging.xml"));
        var member = docs.Descendants("member")
            .Single(m => (string?)m.Attribute("name") == "P:HybridLogging.HybridLoggingOptions.RedactedProperties");
        var words = System.Text.RegularExpressions.Regex.Split(member.Value, @"[^a-z]+", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(SecretNames.DefaultEntries, entry => Assert.Contains(entry, words));
        Assert.All(SecretNames.DescribingWordsAfter.Concat(SecretNames.DescribingWordsBefore), word =>
            Assert.True(words.Contains(word) || words.Contains(word.TrimEnd('s')), word));
    }

    [Fact]
    public void Null_empty_and_separator_only_entries_are_ignored_and_no_entries_match_nothing()
    {
        var names = new SecretNames([null, "", " - ", "_"]);

        Assert.True(names.IsEmpty);
        Assert.False(names.IsSecret("Password"));
        Assert.False(names.IsSecret(""));
    }

    [Fact]
    public void A_flood_of_distinct_names_keeps_the_cache_bounded_and_verdicts_right()
    {
        var names = new SecretNames(SecretNames.DefaultEntries);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.False(names.IsSecret($"field{i}"));
        }

        Assert.True(names.CachedCount <= SecretNames.CacheCapacity);
        Assert.True(names.IsSecret("client_secret"));
        Assert.True(names.IsSecret("client_secret".AsSpan()));
        Assert.False(names.IsSecret("TokenCount"));
    }

    [Fact]
    public void Very_long_names_are_judged_without_caching()
    {
        var longName = new string('a', 5000) + "_password";

        Assert.True(SecretNames.Default.IsSecret(longName));
        Assert.False(SecretNames.Default.IsSecret(new string('x', 5000)));
    }

    [Fact]
    public void A_name_already_judged_allocates_nothing()
    {
        var names = new SecretNames(SecretNames.DefaultEntries);
        var keys = new[] { "RequestPath", "client_secret", "TokenCount", "Authorization" };
        foreach (var key in keys)
        {
            names.IsSecret(key);
            names.IsSecret(key.AsSpan());
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var secrets = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var key in keys)
            {
                secrets += names.IsSecret(key) ? 1 : 0;
                secrets += names.IsSecret(key.AsSpan()) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(4000, secrets);
    }
}
