using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HybridLogging.Tests.Shared;

/// <summary>
/// Starts a Node.js emulator from <c>tests/emulators/{name}/</c> (its <c>start.js</c> takes a port and prints a line
/// starting with <c>READY</c> once it listens on 127.0.0.1) and stops it on dispose. Installs the folder's locked npm
/// packages first when <c>node_modules</c> is missing or older than <c>package-lock.json</c>, once across processes.
/// Failing to start is an error with the emulator's output, never a skipped test.
/// </summary>
internal sealed class NodeEmulator : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private NodeEmulator(Process process, int port, StringBuilder output)
    {
        _process = process;
        _output = output;
        Port = port;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The loopback port the emulator listens on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Starts the emulator of <c>tests/emulators/{emulatorFolderName}</c> on a free loopback port.</summary>
    public static async Task<NodeEmulator> StartAsync(string emulatorFolderName, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(emulatorFolderName);
        using var deadline = new CancellationTokenSource(timeout);
        var folder = FindEmulatorFolder(emulatorFolderName);
        await EnsureInstalledAsync(folder, deadline.Token).ConfigureAwait(false);

        // The port is free when we ask; another process could take it before node binds, so retry a few times.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreeLoopbackPort();
            var output = new StringBuilder();
            var process = Start("node", ["start.js", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], folder, output, out var ready);
            try
            {
                await ready.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
                return new NodeEmulator(process, port, output);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                Kill(process);
                last = new InvalidOperationException(
                    $"Emulator '{emulatorFolderName}' did not print READY on port {port} within {timeout}. Output:\n{Snapshot(output)}", ex);
                if (deadline.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        throw last!;
    }

    /// <summary>Stops the emulator process.</summary>
    public ValueTask DisposeAsync()
    {
        Kill(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"{BaseUri} ({Snapshot(_output).Length} chars of output)";

    private static string FindEmulatorFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "emulators", name);
            if (File.Exists(Path.Combine(candidate, "start.js")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Emulator folder tests/emulators/{name} (with start.js) not found above {AppContext.BaseDirectory}.");
    }

    private static async Task EnsureInstalledAsync(string folder, CancellationToken cancellationToken)
    {
        if (IsInstalled(folder))
        {
            return;
        }

        // npm ci deletes and rewrites node_modules: parallel test processes must not run it at once. The lock file
        // stays (deleting it on close would let a waiter lock a new file while another still holds the old one).
        var lockPath = Path.Combine(folder, ".install.lock");
        FileStream? lockFile = null;
        while (lockFile is null)
        {
            try
            {
                lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }

        await using (lockFile.ConfigureAwait(false))
        {
            if (IsInstalled(folder))
            {
                return;
            }

            var output = new StringBuilder();
            using var npm = Start("npm", ["ci", "--no-audit", "--no-fund"], folder, output, out _);
            try
            {
                await npm.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(npm);
                throw new InvalidOperationException($"npm ci in {folder} did not finish in time. Output:\n{Snapshot(output)}");
            }

            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed with exit code {npm.ExitCode}. Output:\n{Snapshot(output)}");
            }

            // npm ci may leave the folder's own timestamp older than the lock: mark the install explicitly.
            Directory.SetLastWriteTimeUtc(Path.Combine(folder, "node_modules"), DateTime.UtcNow);
        }
    }

    private static bool IsInstalled(string folder)
    {
        var modules = Path.Combine(folder, "node_modules");
        return Directory.Exists(modules) &&
               Directory.GetLastWriteTimeUtc(modules) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json"));
    }

    private static Process Start(string fileName, string[] arguments, string folder, StringBuilder output, out TaskCompletionSource ready)
    {
        var readySignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ready = readySignal;
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // start.js exits when stdin closes, so a crashed test run leaves no server behind
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(output, e.Data);
            if (e.Data.StartsWith("READY", StringComparison.Ordinal))
            {
                readySignal.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(output, e.Data);
            }
        };
        process.Exited += (_, _) => readySignal.TrySetException(new InvalidOperationException($"{fileName} exited before it was ready."));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{fileName}' (is Node.js installed and on PATH?): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder output, string line)
    {
        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
