namespace HybridLogging.Sinks.Elasticsearch.Internal.Bulk;

/// <summary>What became of one record in the requests of a batch (collected per record, applied to the batch at the end).</summary>
internal enum ItemKind : byte
{
    /// <summary>Not sent yet, or its request has not answered.</summary>
    Pending = 0,

    /// <summary>Indexed (status 200/201).</summary>
    Written,

    /// <summary>Already indexed by an earlier attempt (status 409 on <c>create</c>): delivered.</summary>
    Duplicate,

    /// <summary>Throttled or a temporary server failure for this item: send it again.</summary>
    Retry,

    /// <summary>Refused for good (mapping error, bad document, too large): dead letter.</summary>
    Failed,

    /// <summary>Its whole request failed (no answer, or a request-level error).</summary>
    RequestFailed,
}

/// <summary>One record's outcome, with the reason code and the server's error text when it has one.</summary>
internal struct ItemOutcome
{
    public ItemKind Kind;
    public int Status;
    public string? Reason;
    public string? Error;

    /// <summary>Classifies an item of a <c>_bulk</c> response.</summary>
    public static ItemOutcome From(BulkItemResult result)
    {
        var status = result.Status;
        return status switch
        {
            >= 200 and < 300 => new ItemOutcome { Kind = ItemKind.Written, Status = status },
            409 => new ItemOutcome { Kind = ItemKind.Duplicate, Status = status },
            429 => new ItemOutcome { Kind = ItemKind.Retry, Status = status, Reason = "throttled", Error = result.Error?.ToString() },
            >= 500 => new ItemOutcome { Kind = ItemKind.Retry, Status = status, Reason = "unavailable", Error = result.Error?.ToString() },
            _ => new ItemOutcome { Kind = ItemKind.Failed, Status = status, Reason = FailureReason(status, result.Error), Error = result.Error?.ToString() ?? $"status {status}" },
        };
    }

    /// <summary>A short, fixed reason code per kind of refusal (used as a counter key).</summary>
    private static string FailureReason(int status, BulkItemError? error)
    {
        if (status == 413)
        {
            return "tooLarge";
        }

        var type = error?.Type ?? string.Empty;
        if (type.Contains("pars", StringComparison.Ordinal) || type.Contains("mapping", StringComparison.Ordinal) ||
            type.Contains("illegal_argument", StringComparison.Ordinal))
        {
            return "mapping";
        }

        return status switch
        {
            401 or 403 => "forbidden",
            404 => "notFound",
            _ => "rejected",
        };
    }
}
