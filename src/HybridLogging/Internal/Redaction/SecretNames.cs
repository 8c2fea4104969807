using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace HybridLogging.Internal.Redaction;

/// <summary>
/// Decides whether a property name names a secret, by word tokens rather than substrings (see
/// <see cref="HybridLoggingOptions.RedactedProperties"/> for the rules and the default list). Thread-safe; verdicts are
/// cached per name (bounded), so a repeated name costs one dictionary lookup and allocates nothing.
/// </summary>
/// <remarks>
/// Written by hand: Microsoft.Extensions.Compliance.Redaction redacts data the application has classified with
/// attributes; nothing available decides from a free-form name whether it holds a secret.
/// </remarks>
internal sealed class SecretNames
{
    /// <summary>The default entries, in the spelling the options document (matching ignores case and separators).</summary>
    public static readonly string[] DefaultEntries =
    [
        "password", "passwords", "passwd", "pwd", "passphrase",
        "secret", "secrets",
        "token", "bearer", "jwt",
        "apikey", "apikeys",
        "authorization",
        "cookie", "cookies",
        "accesskey", "secretkey", "privatekey", "signingkey", "encryptionkey", "sessionkey", "accountkey", "masterkey",
        "connectionstring", "connectionstrings",
        "credential", "credentials", "creds",
        "signature",
        "otp", "pin", "ssn", "cardnumber", "cvv", "cvc",
    ];

    /// <summary>Entries at least this long may also begin inside a token (<c>dbpassword</c>, <c>ACCESSTOKEN</c>).</summary>
    internal const int MinInteriorEntryLength = 5;

    /// <summary>Most names whose verdict is cached.</summary>
    internal const int CacheCapacity = 4096;

    private const int MaxCachedNameLength = 200;
    private const int StackLimit = 256;

    // A word right after the matched entry that makes the name describe the secret rather than hold it
    // (PasswordPolicy, TokenCount, AuthorizationLevel, SecretName, AccessKeyId, PrivateKeyPath, CookieOptions).
    private static readonly FrozenSet<string> s_describesAfter = FrozenSet.Create(StringComparer.Ordinal,
    [
        "policy", "policies", "length", "len", "count", "size", "min", "max", "limit", "budget", "usage", "used",
        "expiry", "expires", "expiration", "expired", "lifetime", "ttl", "age", "changed", "reset", "rotation", "last",
        "attempt", "attempts", "required", "enabled", "disabled", "set", "exists", "present", "missing",
        "valid", "validation", "validated", "invalid", "strength", "complexity", "rule", "rules",
        "type", "kind", "scheme", "level", "result", "status", "state", "source", "provider", "endpoint", "url", "uri",
        "path", "file", "name", "id", "ids", "arn", "version", "format", "algorithm", "alg", "method", "issuer",
        "audience", "options", "settings", "config", "configuration", "masked", "prefix", "suffix", "consent",
    ]);

    // A word right before the matched entry that makes the name a flag, a count or a non-secret kind of token
    // (HasPassword, IsSecret, MaxToken, CancellationToken, NextToken, PageToken).
    private static readonly FrozenSet<string> s_describesBefore = FrozenSet.Create(StringComparer.Ordinal,
    [
        "has", "is", "max", "min", "num", "total", "require", "requires", "needs",
        "cancellation", "continuation", "pagination", "page", "next", "sync",
    ]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_after =
        s_describesAfter.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_before =
        s_describesBefore.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly string[] _entries;
    private readonly ConcurrentDictionary<string, bool> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> _spanCache;
    private int _cached;

    /// <summary>Creates the matcher for these entries (null, empty and separator-only entries are ignored).</summary>
    public SecretNames(IEnumerable<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries
            .Where(e => e is not null)
            .Select(e => NameTokenizer.Normalize(e!))
            .Where(e => e.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(e => e.Length)];
        _spanCache = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The matcher for <see cref="DefaultEntries"/>.</summary>
    public static SecretNames Default { get; } = new(DefaultEntries);

    /// <summary>The normalized entries (lower case, letters and digits only), longest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Words that, right after a matched entry, make a name describe a secret (documented on the options).</summary>
    internal static IReadOnlyCollection<string> DescribingWordsAfter => s_describesAfter;

    /// <summary>Words that, right before a matched entry, make a name a flag, a count or a non-secret token.</summary>
    internal static IReadOnlyCollection<string> DescribingWordsBefore => s_describesBefore;

    /// <summary>Number of cached verdicts (at most <see cref="CacheCapacity"/>).</summary>
    internal int CachedCount => Volatile.Read(ref _cached);

    /// <summary>Whether no entry is configured (nothing is ever a secret name).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Whether <paramref name="name"/> names a secret. Cached; allocates nothing once the name was seen.</summary>
    public bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_cache.TryGetValue(name, out var verdict))
        {
            return verdict;
        }

        verdict = Evaluate(name);
        Remember(name, verdict);
        return verdict;
    }

    /// <summary>Whether <paramref name="name"/> names a secret (for names inside text, such as <c>password=</c>).</summary>
    public bool IsSecret(ReadOnlySpan<char> name)
    {
        if (_spanCache.TryGetValue(name, out var verdict))
        {
            return verdict;
        }

        verdict = Evaluate(name);
        if (name.Length <= MaxCachedNameLength && Volatile.Read(ref _cached) < CacheCapacity)
        {
            Remember(name.ToString(), verdict);
        }

        return verdict;
    }

    /// <summary>The uncached verdict.</summary>
    internal bool Evaluate(ReadOnlySpan<char> name)
    {
        if (_entries.Length == 0 || name.IsEmpty)
        {
            return false;
        }

        char[]? rentedChars = null;
        int[]? rentedStarts = null;
        var normalized = name.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : rentedChars = ArrayPool<char>.Shared.Rent(name.Length);
        var starts = name.Length < StackLimit
            ? stackalloc int[StackLimit]
            : rentedStarts = ArrayPool<int>.Shared.Rent(name.Length + 1);
        try
        {
            var tokens = NameTokenizer.Tokenize(name, normalized, starts);
            return Matches(normalized[..starts[tokens]], starts[..(tokens + 1)]);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedStarts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedStarts);
            }
        }
    }

    // An entry matches where its characters equal the name's from a token start (or, for entries of five or more
    // characters, from inside a token) to a token end, unless a describing word stands right before or after it.
    // One vectorised IndexOf per entry finds the candidates, so a long name costs little more than a short one.
    private bool Matches(ReadOnlySpan<char> normalized, ReadOnlySpan<int> starts)
    {
        var tokens = starts.Length - 1;
        foreach (var entry in _entries)
        {
            var from = 0;
            while (from <= normalized.Length - entry.Length)
            {
                var found = normalized[from..].IndexOf(entry, StringComparison.Ordinal);
                if (found < 0)
                {
                    break;
                }

                var p = from + found;
                from = p + 1;
                var token = starts.BinarySearch(p);
                var atTokenStart = token >= 0;
                if (!atTokenStart)
                {
                    if (entry.Length < MinInteriorEntryLength)
                    {
                        continue;
                    }

                    token = ~token - 1;
                }

                var next = starts.BinarySearch(p + entry.Length);
                if (next < 0)
                {
                    continue; // ends inside a word: "secretary", "tokenizer", "passwordless"
                }

                var before = atTokenStart
                    ? token > 0 ? normalized[starts[token - 1]..starts[token]] : default
                    : normalized[starts[token]..p];
                var after = next < tokens ? normalized[starts[next]..starts[next + 1]] : default;
                if (!(before.Length > 0 && s_before.Contains(before)) && !(after.Length > 0 && s_after.Contains(after)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Bounded: names come from templates and code, so a few thousand cover an application; a flood of distinct
    // generated names (ids used as keys) is evaluated each time instead of growing the cache without end.
    private void Remember(string name, bool verdict)
    {
        if (name.Length > MaxCachedNameLength || Volatile.Read(ref _cached) >= CacheCapacity)
        {
            return;
        }

        if (_cache.TryAdd(name, verdict))
        {
            Interlocked.Increment(ref _cached);
        }
    }
}
