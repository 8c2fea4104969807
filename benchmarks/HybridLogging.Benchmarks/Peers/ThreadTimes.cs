using System.Globalization;
using System.Text;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>
/// Where a run's CPU went, thread by thread, while the calls were made (Linux only; elsewhere nothing is printed): each
/// thread's time on a core and time waiting for one (run queue), from <c>/proc/self/task/*/schedstat</c>, grouped by
/// the thread's name (the kernel keeps its first 15 characters). The calling threads read their own at start and end,
/// since they have exited when the run's snapshot is taken. Shows which thread saturates a core and whether threads
/// queue for the two cores (wait) rather than for each other (idle).
/// </summary>
internal static class ThreadTimes
{
    /// <summary>The calling threads' name: they count themselves, so the snapshot leaves out any not yet reaped.</summary>
    public const string CallerName = "peers caller";

    /// <summary>Time on a core and waiting for one, in nanoseconds, of the calling thread (zeros where unsupported).</summary>
    public static (long Run, long Wait) Current() => Read("/proc/thread-self/schedstat");

    /// <summary>Every thread of the process now: id, name, time on a core, time waiting for one.</summary>
    public static Dictionary<string, (string Name, long Run, long Wait)> Snapshot()
    {
        var threads = new Dictionary<string, (string, long, long)>();
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/task"))
        {
            return threads;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var (run, wait) = Read(Path.Combine(task, "schedstat"));
                threads[Path.GetFileName(task)] = (name, run, wait);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return threads;
    }

    /// <summary>
    /// Nanoseconds per entry on a core (and waiting, in brackets) by thread name: the callers first, then the other
    /// threads that ran at least 1% of the window, busiest first.
    /// </summary>
    public static string Describe(
        Dictionary<string, (string Name, long Run, long Wait)> before,
        Dictionary<string, (string Name, long Run, long Wait)> after,
        (long Run, long Wait) callers,
        int callerCount,
        int entries,
        double seconds)
    {
        if (after.Count == 0)
        {
            return "";
        }

        var byName = new Dictionary<string, (long Run, long Wait)>();
        foreach (var (id, thread) in after.Where(t => t.Value.Name != CallerName))
        {
            var (run0, wait0) = before.TryGetValue(id, out var earlier) && earlier.Name == thread.Name ? (earlier.Run, earlier.Wait) : (0, 0);
            var sum = byName.GetValueOrDefault(thread.Name);
            byName[thread.Name] = (sum.Run + thread.Run - run0, sum.Wait + thread.Wait - wait0);
        }

        var window = seconds * 1e9;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"callers×{callerCount} {Share(callers)}");
        foreach (var (name, time) in byName.Where(t => t.Value.Run > window / 100).OrderByDescending(t => t.Value.Run))
        {
            text.Append(CultureInfo.InvariantCulture, $", {name} {Share(time)}");
        }

        return text.ToString();

        string Share((long Run, long Wait) time) =>
            string.Create(CultureInfo.InvariantCulture, $"{time.Run / (double)entries:N0} ns ({time.Run / window:P0}, wait {time.Wait / (double)entries:N0})");
    }

    private static (long Run, long Wait) Read(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return (0, 0);
        }

        var fields = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
