using System.Collections.Concurrent;
using System.Globalization;

namespace HybridLogging.Internal;

/// <summary>Turns exceptions into <see cref="LogError"/> without ever throwing, bounded in depth, breadth and size.</summary>
internal static class ErrorCapture
{
    private const int MaxInnerPerLevel = 10;
    private const int MaxStackTraceLength = 32 * 1024;
    private const int MaxMessageLength = 8 * 1024;
    private const int MaxCachedCodes = 256;
    private const int RecentSnapshots = 64;
    private const int MaxReusedChars = 16 * 1024;

    // An exception's HResult as text ("0x80131500"): a handful of values recur (one per exception type, mostly), so
    // each is formatted once instead of twice per logged exception.
    private static readonly ConcurrentDictionary<int, string> Codes = new();

    // Snapshots taken lately, by a cheap hash of their shape (see Shared); a hit is checked field by field.
    private static readonly RecentSlots<LogError> Recent = new(RecentSnapshots);

    /// <summary>Levels of inner exceptions kept for a logged exception.</summary>
    public const int DefaultDepth = 4;

    /// <summary>
    /// The details of an exception passed to a log call, taken on the calling thread. An exception is a mutable
    /// argument: rethrowing it (<c>throw;</c>) appends frames to its stack trace, and another thread may be doing so
    /// while the dispatcher reads it, so its text is taken when the call is made (issue 10, item 3). The stack text is
    /// the dearest part of an entry (several µs, tens for deep async chains): one thrown along the same frames as an
    /// earlier exception reuses that text (<see cref="StackTraceTexts"/>), so a repeating failure pays only for reading
    /// its frames, and gets an earlier snapshot with the same content (<see cref="Shared"/>) rather than a new one.
    /// </summary>
    public static LogError Snapshot(Exception exception) => Capture(exception, DefaultDepth, code: null, share: true);

    /// <summary>New details of <paramref name="exception"/> (<see cref="LogError.FromException"/>, an entry's error).</summary>
    public static LogError Capture(Exception exception, int maxDepth, string? code) => Capture(exception, maxDepth, code, share: false);

    private static LogError Capture(Exception exception, int maxDepth, string? code, bool share)
    {
        IReadOnlyList<LogError> inner = [];
        if (maxDepth > 0)
        {
            if (exception is AggregateException aggregate)
            {
                var list = new List<LogError>();
                foreach (var item in aggregate.InnerExceptions)
                {
                    if (list.Count == MaxInnerPerLevel)
                    {
                        break;
                    }

                    list.Add(Capture(item, maxDepth - 1, null, share));
                }

                inner = list;
            }
            else if (exception.InnerException is { } innerException)
            {
                inner = [Capture(innerException, maxDepth - 1, null, share)];
            }
        }

        var type = exception.GetType().FullName ?? exception.GetType().Name;
        var message = ValueSnapshot.Sanitize(MessageOf(exception) ?? string.Empty, MaxMessageLength);
        var stack = StackTraceOf(exception) is { } text ? ValueSnapshot.Sanitize(text, MaxStackTraceLength) : null;
        code ??= exception.HResult != 0 ? CodeOf(exception.HResult) : null;
        return share
            ? Shared(type, message, stack, code, inner)
            : new LogError { Type = type, Message = message, StackTrace = stack, Code = code, InnerErrors = inner };
    }

    /// <summary>
    /// An earlier snapshot with this content when there is one, else a new one. A failure that repeats (a dependency
    /// timing out, a throttled call) logs the same type, message and stack text over and over, and while the
    /// dispatcher catches up its queued entries keep their snapshots alive: each survived a collection or two and was
    /// copied, about 1 KB per entry for the sample's errors. Sharing one instance keeps one copy, and the calling thread
    /// makes none. Comparing costs tens of nanoseconds, mostly reference checks: a shared stack text is the same string
    /// instance, and so are shared inner snapshots.
    /// </summary>
    private static LogError Shared(string type, string message, string? stack, string? code, IReadOnlyList<LogError> inner)
    {
        var hash = HashCode.Combine(type, message.Length, stack?.Length ?? -1, code, inner.Count);
        var recent = Recent.Get(hash);
        if (recent is not null && SameContent(recent, type, message, stack, code, inner))
        {
            return recent;
        }

        var error = new LogError { Type = type, Message = message, StackTrace = stack, Code = code, InnerErrors = inner };
        var budget = MaxReusedChars;
        if (Fits(error, ref budget))
        {
            Recent.Set(hash, error);
        }

        return error;
    }

    // The slots outlive the entries, so only snapshots of ordinary size are kept in them: an exception tree of
    // thousands of inner errors with long stack traces would otherwise stay in memory for good.
    private static bool Fits(LogError error, ref int budget)
    {
        budget -= error.Message.Length + (error.StackTrace?.Length ?? 0);
        for (var i = 0; i < error.InnerErrors.Count && budget >= 0; i++)
        {
            Fits(error.InnerErrors[i], ref budget);
        }

        return budget >= 0;
    }

    private static bool SameContent(LogError a, string type, string message, string? stack, string? code, IReadOnlyList<LogError> inner)
    {
        if (!(a.Type == type && a.Code == code && a.Message == message && a.StackTrace == stack && a.InnerErrors.Count == inner.Count))
        {
            return false;
        }

        for (var i = 0; i < inner.Count; i++)
        {
            var (x, y) = (a.InnerErrors[i], inner[i]);
            if (!ReferenceEquals(x, y) && !SameContent(x, y.Type, y.Message, y.StackTrace, y.Code, y.InnerErrors))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same details under the code a call named explicitly (a lifted <c>ErrorCode</c> value).</summary>
    public static LogError WithCode(LogError error, string? code) =>
        code is null || code == error.Code ? error : Shared(error.Type, error.Message, error.StackTrace, code, error.InnerErrors);

    // Message and StackTrace are virtual: an override may throw. (No lambdas here: two closures per logged exception.)
    private static string? MessageOf(Exception exception)
    {
        try
        {
            return exception.Message;
        }
        catch (Exception ex)
        {
            return Unavailable(ex);
        }
    }

    private static string? StackTraceOf(Exception exception)
    {
        try
        {
            return StackTraceTexts.Of(exception);
        }
        catch (Exception ex)
        {
            return Unavailable(ex);
        }
    }

    private static string Unavailable(Exception ex) => $"[unavailable: {ex.GetType().Name}]";

    private static string CodeOf(int hresult)
    {
        if (Codes.TryGetValue(hresult, out var text))
        {
            return text;
        }

        text = "0x" + hresult.ToString("X8", CultureInfo.InvariantCulture);
        if (Codes.Count < MaxCachedCodes)
        {
            Codes.TryAdd(hresult, text); // bounded: exceptions that make up their HResults must not grow it without limit
        }

        return text;
    }
}
