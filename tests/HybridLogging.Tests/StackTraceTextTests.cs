using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HybridLogging.Internal;

namespace HybridLogging.Tests;

/// <summary>
/// A logged exception's stack text is shared with an earlier one thrown along the same frames; whatever is shared, the
/// text is always exactly what <see cref="Exception.StackTrace"/> returns for that exception (the runtime is the oracle).
/// </summary>
public sealed class StackTraceTextTests
{
    [Fact]
    public void Exceptions_thrown_along_the_same_frames_share_one_text_equal_to_the_runtimes()
    {
        var first = Throw(site: 0, depth: 2);
        var second = Throw(site: 0, depth: 2);

        var firstText = StackTraceTexts.Of(first);
        var secondText = StackTraceTexts.Of(second);

        Assert.Equal(first.StackTrace, firstText);
        Assert.Equal(second.StackTrace, secondText);
        Assert.Same(firstText, secondText);
    }

    [Fact]
    public void A_failure_thrown_again_along_the_same_frames_finds_its_text_without_allocating()
    {
        // The frames are read where the runtime recorded them: no listed StackTrace (about 800 B) per logged exception.
        // Another test class may take the slot in between, so a few tries are allowed.
        _ = StackTraceTexts.Of(Throw(site: 2, depth: 3));
        long allocated = -1;
        for (var attempt = 0; attempt < 5 && allocated != 0; attempt++)
        {
            var again = Throw(site: 2, depth: 3);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var text = StackTraceTexts.Of(again);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(again.StackTrace, text);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Another_throw_site_another_depth_or_a_rethrow_gets_its_own_text()
    {
        var baseline = Throw(site: 0, depth: 1);
        var otherSite = Throw(site: 1, depth: 1); // same method, another IL offset (another line)
        var deeper = Throw(site: 0, depth: 2);
        var rethrown = Throw(site: 0, depth: 1);
        _ = StackTraceTexts.Of(rethrown);
        try
        {
            Rethrow(rethrown);
        }
        catch (InvalidOperationException)
        {
        }

        var texts = new[] { baseline, otherSite, deeper, rethrown }.Select(e => (Expected: e.StackTrace, Actual: StackTraceTexts.Of(e))).ToList();

        Assert.All(texts, t => Assert.Equal(t.Expected, t.Actual));
        Assert.Equal(4, texts.Select(t => t.Actual).Distinct().Count());
        Assert.Contains(nameof(Rethrow), texts[3].Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_that_carries_a_remote_stack_trace_gets_its_own_text()
    {
        // A proxy of a remote call throws from one place what the server sent: the same local frames, other texts.
        var first = ThrowRemote("   at Server.Handle() in Server.cs:line 1");
        var second = ThrowRemote("   at Server.Other() in Server.cs:line 2");

        Assert.Equal(first.StackTrace, StackTraceTexts.Of(first));
        Assert.Equal(second.StackTrace, StackTraceTexts.Of(second));
        Assert.Contains("Server.Other", StackTraceTexts.Of(second), StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_overrides_the_stack_trace_is_read_through_its_override_each_time()
    {
        var first = ThrowOwnText("first text");
        var second = ThrowOwnText("second text");

        Assert.Equal("first text", StackTraceTexts.Of(first));
        Assert.Equal("second text", StackTraceTexts.Of(second));
    }

    [Fact]
    public void An_exception_never_thrown_has_no_text()
    {
        Assert.Null(StackTraceTexts.Of(new InvalidOperationException("not thrown")));
    }

    [Fact]
    public async Task An_exception_rethrown_across_awaits_is_shared_only_with_the_same_chain()
    {
        var first = await ThrowAcrossAwaits(3);
        var again = await ThrowAcrossAwaits(3);
        var shorter = await ThrowAcrossAwaits(2);

        Assert.Equal(first.StackTrace, StackTraceTexts.Of(first));
        Assert.Equal(again.StackTrace, StackTraceTexts.Of(again));
        Assert.Equal(shorter.StackTrace, StackTraceTexts.Of(shorter));
        Assert.NotEqual(StackTraceTexts.Of(first), StackTraceTexts.Of(shorter));
    }

    [Fact]
    public void Threads_reading_and_replacing_the_shared_texts_at_once_each_get_their_own_exceptions_text()
    {
        // Four threads throw from every site and depth in different orders, so slots are read while others replace them.
        var mismatches = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            for (var i = 0; i < 600; i++)
            {
                var shape = (i * (thread + 1) * 7) % 12;
                var exception = Throw(site: shape % 3, depth: shape / 3);
                if (StackTraceTexts.Of(exception) != exception.StackTrace)
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void An_exception_from_a_collectible_assembly_does_not_keep_that_assembly_loaded()
    {
        // A plugin in a collectible load context fails; once its exceptions are gone, nothing of the logging keeps it.
        var (methods, exceptionType) = FailInCollectibleAssembly();

        for (var i = 0; i < 20 && (methods.IsAlive || exceptionType.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(methods.IsAlive);
        Assert.False(exceptionType.IsAlive);
    }

    /// <summary>
    /// Any sequence of exceptions from a few sites, depths, remote texts and rethrows, read in any order: each text is the
    /// runtime's own for that exception, whatever an earlier one left in the shared slots.
    /// </summary>
    [Property(Arbitrary = [typeof(Shapes)], MaxTest = 100)]
    public bool Every_text_is_the_runtimes_own_whatever_was_shared_before(int[] shapes)
    {
        foreach (var shape in shapes)
        {
            var (site, depth, kind) = (shape % 3, shape / 3 % 4, shape / 12);
            var exception = kind switch
            {
                1 => ThrowRemote($"   at Remote.Call{site}{depth}()"),
                2 => ThrowOwnText($"own {site} {depth}"),
                3 => RethrownOnce(Throw(site, depth)),
                _ => Throw(site, depth),
            };

            if (StackTraceTexts.Of(exception) != exception.StackTrace)
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Methods, WeakReference ExceptionType) FailInCollectibleAssembly()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Plugin" + Guid.NewGuid().ToString("N")), AssemblyBuilderAccess.RunAndCollect);
        var module = assembly.DefineDynamicModule("Plugin");

        // The plugin's own exception type, thrown by the plugin's own method.
        var exceptionType = module.DefineType("Plugin.PluginException", TypeAttributes.Public | TypeAttributes.Sealed, typeof(Exception));
        var constructor = exceptionType.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(string)]);
        var ctor = constructor.GetILGenerator();
        ctor.Emit(OpCodes.Ldarg_0);
        ctor.Emit(OpCodes.Ldarg_1);
        ctor.Emit(OpCodes.Call, typeof(Exception).GetConstructor([typeof(string)])!);
        ctor.Emit(OpCodes.Ret);
        var thrower = module.DefineType("Plugin.Thrower", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
        foreach (var (name, exceptionConstructor) in new (string, ConstructorInfo)[] { ("FailPlain", typeof(InvalidOperationException).GetConstructor([typeof(string)])!), ("FailOwn", constructor) })
        {
            var il = thrower.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes).GetILGenerator();
            il.Emit(OpCodes.Ldstr, "plugin failure");
            il.Emit(OpCodes.Newobj, exceptionConstructor);
            il.Emit(OpCodes.Throw);
        }

        var pluginException = exceptionType.CreateType();
        var created = thrower.CreateType();

        // A runtime exception thrown by the plugin's method (the frames), and the plugin's own exception type (the type).
        foreach (var name in new[] { "FailPlain", "FailOwn" })
        {
            var fail = created.GetMethod(name)!.CreateDelegate<Action>(); // no reflection stub among the frames
            for (var i = 0; i < 2; i++)
            {
                var exception = Assert.ThrowsAny<Exception>(fail);
                Assert.Contains("Plugin.Thrower." + name, StackTraceTexts.Of(exception), StringComparison.Ordinal);
                Assert.Equal(exception.StackTrace, StackTraceTexts.Of(exception));
            }
        }

        return (new WeakReference(created), new WeakReference(pluginException)); // runtime types: what kept methods and types refer to
    }

    private static Exception RethrownOnce(Exception exception)
    {
        try
        {
            Rethrow(exception);
        }
        catch (InvalidOperationException)
        {
        }

        return exception;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception Throw(int site, int depth)
    {
        try
        {
            Descend(site, depth);
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }

        throw new UnreachableException();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Descend(int site, int depth)
    {
        if (depth > 0)
        {
            Descend(site, depth - 1);
            return;
        }

        if (site == 0)
        {
            throw new InvalidOperationException("site zero");
        }

        if (site == 1)
        {
            throw new InvalidOperationException("site one");
        }

        throw new InvalidOperationException("site two");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Rethrow(Exception exception) => ExceptionDispatchInfo.Throw(exception);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception ThrowRemote(string remoteText)
    {
        try
        {
            throw ExceptionDispatchInfo.SetRemoteStackTrace(new InvalidOperationException("remote failure"), remoteText);
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception ThrowOwnText(string text)
    {
        try
        {
            throw new OwnTextException(text);
        }
        catch (OwnTextException ex)
        {
            return ex;
        }
    }

    private static async Task<Exception> ThrowAcrossAwaits(int depth)
    {
        try
        {
            await Awaiting(depth);
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }

        throw new UnreachableException();
    }

    private static async Task Awaiting(int depth)
    {
        await Task.Yield();
        if (depth == 0)
        {
            throw new InvalidOperationException("async failure");
        }

        await Awaiting(depth - 1);
    }

    /// <summary>Exceptions to throw: site (3) × depth (4) × kind (plain, remote text, own text, rethrown), in any order.</summary>
    public static class Shapes
    {
        public static Arbitrary<int[]> Picks() => Gen.ArrayOf(Gen.Choose(0, 47)).ToArbitrary();
    }

    private sealed class OwnTextException(string text) : Exception("own text")
    {
        public override string StackTrace => text;
    }
}
