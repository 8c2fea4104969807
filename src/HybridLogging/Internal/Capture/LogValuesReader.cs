using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// Reads the state of <c>LoggerMessage.Define</c> (and so of most <c>[LoggerMessage]</c> methods),
/// <c>LoggerMessage.LogValues&lt;T0, …&gt;</c>, field by field with each value's own type, putting primitives into
/// <see cref="RecycledBoxes"/>: the state's indexer boxes every int, double, date, … anew for each entry.
/// </summary>
/// <remarks>
/// The state type is MEL's own and internal. What is read here: a <c>_formatter</c> with <c>ValueNames</c> and
/// <c>OriginalFormat</c>, and <c>_value0</c> … <c>_valueN</c>, which its indexer returns in that order, named by
/// <c>ValueNames</c>, then the template. The reader is made only when every one of those members is found
/// with the expected type, and per entry only when the names fit; otherwise (another MEL, native AOT) the state is read
/// through its indexer as before. The tests compare both reads for every arity.
/// </remarks>
internal abstract class LogValuesReader<TState>
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>The reader for <typeparamref name="TState"/>, or null when it is not such a state (or cannot be read so).</summary>
    public static readonly LogValuesReader<TState>? Instance = LogValuesReaders.Create<TState>();

    /// <summary>
    /// Fills <paramref name="buffer"/> with the values (primitives in <paramref name="boxes"/>) and the template last;
    /// the count, or -1 when this state cannot be read so (the caller reads it through its indexer).
    /// </summary>
    public abstract int Read(ref TState state, ref KeyValuePair<string, object?>[] buffer, RecycledBoxes boxes);

    internal sealed class Compiled(int arity, Compiled.ReadValues read, Func<TState, object?> formatterOf) : LogValuesReader<TState>
    {
        public delegate void ReadValues(ref TState state, KeyValuePair<string, object?>[] buffer, List<string> names, RecycledBoxes boxes);

        public override int Read(ref TState state, ref KeyValuePair<string, object?>[] buffer, RecycledBoxes boxes)
        {
            if (formatterOf(state) is not { } formatter ||
                LogValuesReaders.NamesOf(formatter) is not { } names || names.Count != arity)
            {
                return -1;
            }

            if (buffer.Length < arity + 1)
            {
                Array.Resize(ref buffer, arity + 1);
            }

            read(ref state, buffer, names, boxes);
            buffer[arity] = new(OriginalFormatKey, LogValuesReaders.TemplateOf(formatter));
            return arity + 1;
        }
    }
}

/// <summary>Builds <see cref="LogValuesReader{TState}"/>s, and reads MEL's <c>LogValuesFormatter</c>.</summary>
internal static class LogValuesReaders
{
    private static readonly Type? FormatterType = FindFormatterType();
    private static readonly Func<object, List<string>?>? NamesGetter = Getter<List<string>>("ValueNames");
    private static readonly Func<object, string?>? TemplateGetter = Getter<string>("OriginalFormat");

    public static List<string>? NamesOf(object formatter) => NamesGetter!(formatter);

    public static string? TemplateOf(object formatter) => TemplateGetter!(formatter);

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only where dynamic code is supported; elsewhere the state is read through its indexer.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The fields of a state type that is logged are kept with the type; when one is missing the state is read through its indexer.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "RecycledBoxes.Box<T> is kept by the nameof below; T is a field type of the state.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above: a missing field means the indexer is used.")]
    [UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "As above.")]
    public static LogValuesReader<TState>? Create<TState>()
    {
        var type = typeof(TState);
        if (!RuntimeFeature.IsDynamicCodeSupported || NamesGetter is null || TemplateGetter is null || !type.IsValueType ||
            !type.IsGenericType || type.Assembly != typeof(ILogger).Assembly || type.DeclaringType != typeof(LoggerMessage) ||
            !type.Name.StartsWith("LogValues`", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic;
            var arguments = type.GetGenericArguments();
            if (type.GetField("_formatter", Fields) is not { } formatterField || formatterField.FieldType != FormatterType)
            {
                return null;
            }

            var state = Expression.Parameter(type.MakeByRefType(), "state");
            var buffer = Expression.Parameter(typeof(KeyValuePair<string, object?>[]), "buffer");
            var names = Expression.Parameter(typeof(List<string>), "names");
            var boxes = Expression.Parameter(typeof(RecycledBoxes), "boxes");
            var pairConstructor = typeof(KeyValuePair<string, object?>).GetConstructor([typeof(string), typeof(object)])!;
            var nameAt = typeof(List<string>).GetProperty("Item")!;
            var box = typeof(RecycledBoxes).GetMethod(nameof(RecycledBoxes.Box))!;
            var body = new List<Expression>(arguments.Length);
            for (var i = 0; i < arguments.Length; i++)
            {
                if (type.GetField("_value" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Fields) is not { } field ||
                    field.FieldType != arguments[i])
                {
                    return null;
                }

                var index = Expression.Constant(i);
                var value = Expression.Call(boxes, box.MakeGenericMethod(field.FieldType), index, Expression.Field(state, field));
                body.Add(Expression.Assign(
                    Expression.ArrayAccess(buffer, index),
                    Expression.New(pairConstructor, Expression.Property(names, nameAt, index), value)));
            }

            var read = Expression.Lambda<LogValuesReader<TState>.Compiled.ReadValues>(Expression.Block(body), state, buffer, names, boxes).Compile();
            var plain = Expression.Parameter(type, "state");
            var formatterOf = Expression.Lambda<Func<TState, object?>>(Expression.Field(plain, formatterField), plain).Compile();
            return new LogValuesReader<TState>.Compiled(arguments.Length, read, formatterOf);
        }
        catch (Exception)
        {
            return null; // read through the indexer, as before
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "MEL's own type, used by MEL itself; when it is missing the states are read through their indexer.")]
    private static Type? FindFormatterType() => typeof(ILogger).Assembly.GetType("Microsoft.Extensions.Logging.LogValuesFormatter");

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only where dynamic code is supported.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "MEL's own members, used by MEL itself; when missing the states are read through their indexer.")]
    [UnconditionalSuppressMessage("Trimming", "IL2080", Justification = "As above.")]
    private static Func<object, T?>? Getter<T>(string property)
        where T : class
    {
        if (!RuntimeFeature.IsDynamicCodeSupported || FormatterType is null ||
            FormatterType.GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is not { } info ||
            info.PropertyType != typeof(T))
        {
            return null;
        }

        try
        {
            var formatter = Expression.Parameter(typeof(object), "formatter");
            return Expression.Lambda<Func<object, T?>>(Expression.Property(Expression.Convert(formatter, FormatterType), info), formatter).Compile();
        }
        catch (Exception)
        {
            return null;
        }
    }
}
