using FsCheck;
using FsCheck.Fluent;

namespace HybridLogging.Tests.Kit;

/// <summary>One log call's worth of hostile text: message, template argument, property, scope.</summary>
public sealed record HostileInput(
    string Message,
    string ArgValue,
    string PropertyName,
    string PropertyValue,
    string ScopeKey,
    string ScopeValue,
    string PlainScope);

/// <summary>FsCheck generators for strings that break naive JSON writers.</summary>
public static class HostileStrings
{
    private static readonly Gen<char> HostileChar = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E).Select(i => (char)i)),                 // printable ASCII
        (3, Gen.Choose(0x00, 0x1F).Select(i => (char)i)),                 // control characters incl. \n \r \t \0
        (2, Gen.Elements('"', '\\', '/', '\u007F', '\u2028', '\u2029', '\uFEFF', '{', '}')),
        (2, Gen.Choose(0xD800, 0xDFFF).Select(i => (char)i)),             // lone surrogates (high and low)
        (2, Gen.Choose(0x80, 0xD7FF).Select(i => (char)i)));              // other BMP text

    private static readonly Gen<string> Small = Gen.ListOf(HostileChar).Select(chars => new string([.. chars]));

    private static readonly Gen<string> Pairs = Gen.Elements("😀", "\uD83D\uDE00x", "e\u0301", "日本語");

    /// <summary>Mostly short strings, sometimes valid surrogate pairs, sometimes far past every length limit.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (12, Small),
        (2, Gen.Zip(Small, Pairs, (a, b) => a + b + a)),
        (1, Small.Select(s => string.Concat(Enumerable.Repeat(s.Length == 0 ? "\uD800\"" : s, 70_000 / Math.Max(1, s.Length) + 1)))));

    public static Arbitrary<HostileInput> Input() =>
        (from message in Text
         from arg in Text
         from propertyName in Text
         from propertyValue in Text
         from scopeKey in Text
         from scopeValue in Text
         from plainScope in Text
         select new HostileInput(message, arg, propertyName, propertyValue, scopeKey, scopeValue, plainScope)).ToArbitrary();
}
