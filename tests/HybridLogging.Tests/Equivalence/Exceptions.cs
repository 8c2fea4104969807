using System.Runtime.InteropServices;

namespace HybridLogging.Tests.Equivalence;

/// <summary>Builds the exception a generated call logs (thrown for a stack trace when asked).</summary>
internal static class Exceptions
{
    public static Exception? Make(ErrorSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        Exception exception = spec.Shape switch
        {
            "inner" => new ApplicationException(spec.Message, new ArgumentException("inner " + spec.Message, new FormatException("deepest"))),
            "aggregate" => new AggregateException(spec.Message, new IOException("first"), new TimeoutException(spec.Message)),
            "custom-hresult" => new COMException(spec.Message, unchecked((int)0x80004005)),
            _ => new InvalidOperationException(spec.Message),
        };

        if (!spec.Thrown)
        {
            return exception;
        }

        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
