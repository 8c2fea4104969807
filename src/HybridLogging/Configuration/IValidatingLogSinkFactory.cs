namespace HybridLogging;

/// <summary>
/// A sink factory that can check a destination's settings without opening anything. A configuration reload asks it
/// before it replaces a working destination, so settings the sink would refuse (for a file, a size below the minimum)
/// are rejected while the working destination keeps writing. Factories that do not implement it are checked by opening
/// the sink once the old one has closed; if that fails, the destination goes back to its previous settings.
/// </summary>
public interface IValidatingLogSinkFactory : ILogSinkFactory
{
    /// <summary>Returns one clear message per problem in the destination's settings (empty when they are valid). Must not open or create anything.</summary>
    IReadOnlyList<string> Validate(LogSinkContext context);
}
