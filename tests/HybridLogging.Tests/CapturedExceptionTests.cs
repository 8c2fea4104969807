using System.Runtime.CompilerServices;
using HybridLogging.Internal;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// An exception is a mutable argument: what an entry shows of it is what it was when the call was made, however long
/// the entry waits in the queue and whatever the app does with the exception meanwhile.
/// </summary>
public sealed class CapturedExceptionTests
{
    [Fact]
    public async Task An_exception_rethrown_after_the_call_is_logged_with_the_stack_trace_it_had_at_the_call()
    {
        var sink = new CollectingSink();
        using var gate = new DispatcherGate();
        await using var provider = TestProvider.Create(sink, o => o.AddObserver(gate));
        var logger = provider.CreateLogger("Tests.Exceptions");

        logger.LogInformation("holds the dispatcher");
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(10), TestProvider.Token));

        // The dispatcher is held: the entry below waits in the queue while the app rethrows the exception further up.
        var rethrown = Assert.Throws<InvalidOperationException>(() => CallerFrame(logger));
        Assert.Contains(nameof(CallerFrame), rethrown.StackTrace, StringComparison.Ordinal);
        gate.Release.Set();
        await provider.FlushAsync(TestProvider.Token);

        var logged = Assert.Single(sink.Entries, e => e.Error is not null);
        Assert.Contains(nameof(InnerFrame), logged.Error!.StackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(OuterFrame), logged.Error.StackTrace, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(CallerFrame), logged.Error.StackTrace, StringComparison.Ordinal);
        Assert.Equal("as thrown", logged.Error.Message);
    }

    [Fact]
    public async Task A_lifted_error_code_replaces_the_exception_code_and_keeps_the_details_taken_at_the_call()
    {
        var sink = new CollectingSink();
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Exceptions");
        var exception = Thrown();

        logger.LogError(exception, "Call failed with {ErrorCode}", "E42");
        logger.LogError(exception, "Call failed");
        await provider.FlushAsync(TestProvider.Token);

        Assert.Collection(
            sink.Entries,
            e =>
            {
                Assert.Equal("E42", e.Error!.Code);
                Assert.Contains(nameof(Thrown), e.Error.StackTrace, StringComparison.Ordinal);
            },
            e => Assert.Equal("0x80131509", e.Error!.Code)); // InvalidOperationException's HResult
    }

    [Fact]
    public void Failures_that_repeat_share_one_snapshot_and_any_difference_in_content_gets_its_own()
    {
        // Fresh exceptions from one throw site, as a repeating failure makes them: same type, message and stack text.
        var first = ErrorCapture.Snapshot(Thrown());
        var again = ErrorCapture.Snapshot(Thrown());
        Assert.Same(first, again);

        var otherMessage = ErrorCapture.Snapshot(ThrownWith("other"));
        Assert.NotSame(first, otherMessage);
        Assert.Equal("other", otherMessage.Message);

        // The same exception after a rethrow has more frames: its own snapshot, with them.
        var exception = Thrown();
        var before = ErrorCapture.Snapshot(exception);
        try
        {
            RethrowFrame(exception);
        }
        catch (InvalidOperationException)
        {
        }

        var after = ErrorCapture.Snapshot(exception);
        Assert.NotSame(before, after);
        Assert.DoesNotContain(nameof(RethrowFrame), before.StackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(RethrowFrame), after.StackTrace, StringComparison.Ordinal);

        var wrapped = ErrorCapture.Snapshot(new AggregateException(Thrown()));
        var wrappedOther = ErrorCapture.Snapshot(new AggregateException(ThrownWith("other")));
        Assert.NotSame(wrapped, wrappedOther);
        Assert.Equal("other", wrappedOther.InnerErrors.Single().Message);
    }

    [Fact]
    public void A_failure_that_repeats_is_snapshotted_on_the_calling_thread_without_allocating()
    {
        // A fresh exception from the same frames with the same message: neither its frames nor a new snapshot are made.
        // Another test class may take the slot in between, so a few tries are allowed.
        _ = ErrorCapture.Snapshot(Thrown());
        long allocated = -1;
        for (var attempt = 0; attempt < 5 && allocated != 0; attempt++)
        {
            var exception = Thrown();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var snapshot = ErrorCapture.Snapshot(exception);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(exception.StackTrace, snapshot.StackTrace);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_failure_too_large_to_keep_is_not_shared_and_not_kept()
    {
        // Three inner errors of 8K characters each (the message limit): above the 16K a kept snapshot may hold.
        var huge = new string('x', 8_000);
        var first = ErrorCapture.Snapshot(new AggregateException(ThrownWith(huge), ThrownWith(huge), ThrownWith(huge)));
        var again = ErrorCapture.Snapshot(new AggregateException(ThrownWith(huge), ThrownWith(huge), ThrownWith(huge)));

        Assert.NotSame(first, again);
        Assert.Equal(first.Message, again.Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RethrowFrame(Exception exception) => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException ThrownWith(string message)
    {
        try
        {
            throw new InvalidOperationException(message);
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    // The frame the rethrown exception reaches after the call: its stack trace grows by this frame (and the ones above).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallerFrame(ILogger logger) => OuterFrame(logger);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OuterFrame(ILogger logger)
    {
        try
        {
            InnerFrame();
        }
        catch (InvalidOperationException ex)
        {
            logger.LogError(ex, "Failed, rethrowing");
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InnerFrame() => throw new InvalidOperationException("as thrown");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    /// <summary>Holds the dispatcher on the first entry it sees until released.</summary>
    private sealed class DispatcherGate : ILogEntryObserver, IDisposable
    {
        private int _seen;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void OnEntry(LogEntryView entry)
        {
            if (Interlocked.Increment(ref _seen) == 1)
            {
                Entered.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }
        }

        public void Dispose()
        {
            Release.Set();
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
