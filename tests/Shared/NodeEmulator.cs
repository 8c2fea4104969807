using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HybridLogging.Tests.Shared;

/// <summary>
/// Runs an npm-installed service emulator (kinesalite, s3rver, ...) from <c>tests/emulators/NAME/</c> for a test:
/// installs its locked packages with <c>npm ci</c> when needed, starts <c>node start.js PORT</c> on a free loopback
/// port, waits for the line starting with <c>READY</c> that the script prints once it listens on 127.0.0.1, and stops
/// the process on dispose (start.js also exits when its stdin closes, so a crashed test run leaves no server behind).
/// </summary>
/// <remarks>
/// Never skips: when Node.js is missing, the install fails or the emulator does not come up in time, it throws with
/// the npm/node output, so a broken machine shows as a failed test. Linked into test projects as source
/// (<c>&lt;Compile Include="..\Shared\NodeEmulator.cs" /&gt;</c>).
/// </remarks>
internal sealed class NodeEmulator : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private readonly Process _process;
    private readonly StringBuilder _output;

    private NodeEmulator(Process process, StringBuilder output, int port)
    {
        _process = process;
        _output = output;
        Port = port;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The loopback port the emulator listens on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Everything the emulator printed so far (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Installs (once, when <c>node_modules</c> is missing or older than <c>package-lock.json</c>) and starts the emulator
    /// in <c>tests/emulators/<paramref name="emulatorFolderName"/></c>.
    /// </summary>
    public static async Task<NodeEmulator> StartAsync(string emulatorFolderName, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(emulatorFolderName);
        var folder = FindEmulatorFolder(emulatorFolderName);
        using var cts = new CancellationTokenSource(timeout);
        await EnsureInstalledAsync(folder, cts.Token).ConfigureAwait(false);

        string? lastFailure = null;
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            // Another process can take the port between probing and node's listen; then the script exits and we retry.
            var port = FreeLoopbackPort();
            var (emulator, failure) = await TryStartAsync(folder, port, cts.Token).ConfigureAwait(false);
            if (emulator is not null)
            {
                return emulator;
            }

            lastFailure = failure;
            if (cts.IsCancellationRequested)
            {
                break;
            }
        }

        throw new InvalidOperationException(
            $"The '{emulatorFolderName}' emulator did not start within {timeout.TotalSeconds:0} s ({folder}).{Environment.NewLine}{lastFailure}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Closing stdin asks start.js to exit; the kill makes sure of it.
                _process.StandardInput.Close();
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or IOException)
        {
            // Already gone, or will be reaped with the test process: nothing else to do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<(NodeEmulator? Emulator, string Failure)> TryStartAsync(string folder, int port, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process
        {
            StartInfo = NodeStartInfo("node", folder, "start.js", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            EnableRaisingEvents = true,
        };
        process.StartInfo.RedirectStandardInput = true;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("READY", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("node exited before it was ready"));

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Node.js is needed to run the test emulators, but 'node' could not be started ({e.Message}). Install Node.js 18 or later with npm.", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return (new NodeEmulator(process, output, port), string.Empty);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }

            string text;
            lock (output)
            {
                text = output.ToString();
            }

            process.Dispose();
            return (null, $"node start.js {port}: {e.Message}. Output:{Environment.NewLine}{text}");
        }
    }

    private static async Task EnsureInstalledAsync(string folder, CancellationToken cancellationToken)
    {
        if (IsInstalled(folder))
        {
            return;
        }

        // Several test projects (processes) may start the same emulator at once: one installs, the others wait.
        var lockPath = Path.Combine(folder, ".npm-install.lock");
        await using var installLock = await AcquireFileLockAsync(lockPath, cancellationToken).ConfigureAwait(false);
        if (IsInstalled(folder))
        {
            return;
        }

        var (exitCode, output) = await RunAsync(NodeStartInfo("npm", folder, "ci", "--no-audit", "--no-fund"), cancellationToken).ConfigureAwait(false);
        if (exitCode != 0 || !IsInstalled(folder))
        {
            throw new InvalidOperationException(
                $"'npm ci --no-audit --no-fund' in {folder} failed (exit code {exitCode}). Output:{Environment.NewLine}{output}");
        }
    }

    private static bool IsInstalled(string folder)
    {
        // npm writes node_modules/.package-lock.json at the end of a successful install.
        var marker = new FileInfo(Path.Combine(folder, "node_modules", ".package-lock.json"));
        var lockFile = new FileInfo(Path.Combine(folder, "package-lock.json"));
        return marker.Exists && marker.LastWriteTimeUtc >= lockFile.LastWriteTimeUtc;
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                // Held by another installer: poll until it is done or the caller's timeout passes.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{startInfo.FileName}' could not be started ({e.Message}): Node.js 18 or later with npm is needed to install the test emulators.", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}' in {startInfo.WorkingDirectory} timed out.");
        }

        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }

    private static ProcessStartInfo NodeStartInfo(string fileName, string folder, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static string FindEmulatorFolder(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "emulators", name);
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }

            candidate = Path.Combine(directory.FullName, "emulators", name);
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No tests/emulators/{name}/package.json above {AppContext.BaseDirectory}: the emulator folder is missing from the checkout.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
