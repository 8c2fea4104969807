using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Extensions.Options;

namespace HybridLogging.Sinks.File.Tests;

public sealed class FileSinkOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var options = new FileSinkOptions();

        Assert.Equal("logs/log.json", options.Path);
        Assert.Equal(LogFormat.Json, options.Format);
        Assert.Equal(100L * 1024 * 1024, options.MaxFileSizeBytes);
        Assert.Equal(FileRollingInterval.None, options.RollingInterval);
        Assert.Equal(10, options.RetainedFileCount);
        Assert.Equal(0, options.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FlushToDiskInterval);
        Assert.False(options.CompressRolledFiles);
        Assert.Empty(options.Validate("file"));
    }

    [Fact]
    public void Invalid_settings_are_reported_one_clear_message_each()
    {
        var options = new FileSinkOptions
        {
            Path = " ",
            Format = (LogFormat)7,
            MaxFileSizeBytes = 100,
            RollingInterval = (FileRollingInterval)9,
            RetainedFileCount = 0,
            BufferSize = -1,
            FlushToDiskInterval = TimeSpan.FromSeconds(-1),
        };

        var errors = options.Validate("audit");

        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("File sink 'audit': ", e, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Path is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxFileSizeBytes must be at least 1024 (was 100)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RetainedFileCount must be between 1 and 100000 (was 0)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BufferSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("FlushToDiskInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Format must be Json or Text", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RollingInterval must be None, Hourly or Daily", StringComparison.Ordinal));
    }

    [Fact]
    public void Directory_path_is_rejected()
    {
        var errors = new FileSinkOptions { Path = "logs/" }.Validate("file");

        Assert.Contains("must name a file", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AddFile_rejects_invalid_settings_at_registration()
    {
        var options = new HybridLoggingOptions();

        var error = Assert.Throws<OptionsValidationException>(() => options.AddFile(o => o.MaxFileSizeBytes = 10));

        Assert.Contains("MaxFileSizeBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_rejects_invalid_settings_without_touching_the_disk()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("sub", "log.json");

        var error = Assert.Throws<OptionsValidationException>(() => new FileSink("file", new FileSinkOptions { Path = path, RetainedFileCount = -3 }));

        Assert.Contains("RetainedFileCount", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Combine("sub")));
    }
}
