namespace HybridLogging;

/// <summary>
/// The ambient correlation ids of the current logical operation. Flows across <c>await</c> and to work started from
/// the current execution context (via <see cref="AsyncLocal{T}"/>); contexts nest, and disposing the handle returned
/// by <see cref="Begin"/> restores the context that was current when it began.
/// </summary>
/// <remarks>
/// Instances are immutable so a log call captures the current one by reference, with no copy and no allocation. A
/// generated correlation id is kept as a <see cref="Guid"/> and turned into its text the first time it is read, so
/// beginning a context costs the request's thread no string. The JSON writer puts the GUID's digits straight into each
/// line; the text is made only for a reader that asks for it (an entry object, a filter on the id, a record's
/// <see cref="LogRecord.CorrelationId"/>), once per context.
/// </remarks>
public sealed class CorrelationContext
{
    private static readonly AsyncLocal<CorrelationContext?> CurrentContext = new();

    private readonly Guid _generatedId;
    private string? _correlationId;
    private int _ended;

    private CorrelationContext(string? correlationId, Guid generatedId, string? requestId, string? userId, string? sessionId, string? operationType, CorrelationContext? parent)
    {
        _correlationId = correlationId;
        _generatedId = generatedId;
        RequestId = requestId;
        UserId = userId;
        SessionId = sessionId;
        OperationType = operationType;
        Parent = parent;
    }

    /// <summary>
    /// The correlation id: given, inherited from the enclosing context, or generated (a random version-4 GUID as 32 hex
    /// digits; unique, but from a fast non-cryptographic generator, so not for use as a secret or token).
    /// </summary>
    public string CorrelationId => _correlationId ?? GeneratedIdText();

    /// <summary>Request id, or the enclosing context's.</summary>
    public string? RequestId { get; }

    /// <summary>User id, or the enclosing context's.</summary>
    public string? UserId { get; }

    /// <summary>Session id, or the enclosing context's.</summary>
    public string? SessionId { get; }

    /// <summary>Operation type, or the enclosing context's.</summary>
    public string? OperationType { get; }

    /// <summary>The enclosing context, if any.</summary>
    public CorrelationContext? Parent { get; }

    /// <summary>The context of the current logical operation, or null outside any.</summary>
    public static CorrelationContext? Current => CurrentContext.Value;

    /// <summary>
    /// Begins a correlation context. Ids left null are inherited from the enclosing context; a missing correlation id
    /// is generated. Dispose the returned handle (typically with <c>using</c>) to restore the previous context.
    /// </summary>
    /// <example>
    /// <code language="csharp">
    /// using (CorrelationContext.Begin(requestId: "req-42", userId: "user-7"))
    /// {
    ///     logger.LogInformation("Order {OrderId} placed", orderId);   // carries requestId and userId
    ///     await paymentClient.ChargeAsync(order);                     // and so does everything logged in there
    /// }
    /// </code>
    /// </example>
    public static CorrelationScope Begin(string? correlationId = null, string? requestId = null, string? userId = null, string? sessionId = null, string? operationType = null)
    {
        var parent = CurrentContext.Value;
        correlationId ??= parent?.CorrelationId;
        var context = new CorrelationContext(
            correlationId,
            correlationId is null ? Internal.CorrelationIds.NewGuid() : default,
            requestId ?? parent?.RequestId,
            userId ?? parent?.UserId,
            sessionId ?? parent?.SessionId,
            operationType ?? parent?.OperationType,
            parent);
        CurrentContext.Value = context;
        return new CorrelationScope(context);
    }

    /// <summary>
    /// The generated id, for writers that put its 32 hex digits straight into their output (the same text as
    /// <see cref="CorrelationId"/>, without making the string); false when the id was given or inherited.
    /// </summary>
    internal bool TryGetGeneratedId(out Guid id)
    {
        id = _generatedId;
        return id != Guid.Empty;
    }

    // Any thread may read the id first; all of them must see one string instance.
    private string GeneratedIdText()
    {
        var text = _generatedId.ToString("N");
        return Interlocked.CompareExchange(ref _correlationId, text, null) ?? text;
    }

    /// <summary>
    /// Ends the context its handle began: the enclosing context (current when this one began) is current again. Only
    /// the first call does anything, whichever copy of the handle makes it.
    /// </summary>
    internal void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            CurrentContext.Value = Parent;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CorrelationId={CorrelationId}, RequestId={RequestId}, UserId={UserId}, SessionId={SessionId}";
}
