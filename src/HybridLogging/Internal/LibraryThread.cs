namespace HybridLogging.Internal;

/// <summary>
/// Starts one of the library's own threads (dispatcher, destination loops, subscriber wake-ups, stream events): a
/// background thread, so it never keeps the app alive, named for profilers and dumps, and started without the starting
/// thread's execution context, whose async-locals (a correlation context, a suppression flag) belong to the app's flow,
/// not to the loop.
/// </summary>
/// <remarks>
/// <see cref="Thread.UnsafeStart()"/> starts the thread without capturing the context: the effect of <c>Start()</c>
/// inside <c>ExecutionContext.SuppressFlow()</c>, in one call. A destination made inside a request (a provider built
/// there, a stream added at run time) would otherwise run its sink under that request's <c>Activity</c>: a cloud sink's
/// HTTP calls would join the request's trace.
/// </remarks>
internal static class LibraryThread
{
    public static Thread Start(string name, ThreadStart run)
    {
        var thread = new Thread(run) { IsBackground = true, Name = name };
        thread.UnsafeStart();
        return thread;
    }
}
