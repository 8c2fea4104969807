using System.Text;
using System.Text.Json;

namespace HybridLogging.Benchmarks.Peers;

/// <summary>Stands in for the console: counts lines and keeps the first for a JSON check.</summary>
internal sealed class CountingWriter : TextWriter
{
    private readonly StringBuilder _first = new();
    private long _lines;

    public override Encoding Encoding => Encoding.UTF8;

    public long Lines => Interlocked.Read(ref _lines);

    public bool SampleParses
    {
        get
        {
            try
            {
                using var doc = JsonDocument.Parse(_first.ToString());
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    public override void Write(char value)
    {
        if (value == '\n')
        {
            Interlocked.Increment(ref _lines);
        }
        else if (_lines == 0 && _first.Length < 4096)
        {
            _first.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        if (_lines == 0)
        {
            foreach (var c in value)
            {
                Write(c);
            }

            return;
        }

        Interlocked.Add(ref _lines, value.AsSpan().Count('\n'));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
}
