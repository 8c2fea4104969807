using System.Globalization;

namespace HybridLogging.Formatting.Internal;

/// <summary>
/// The shortest round-trip text of a double (what <c>double.ToString(CultureInfo.InvariantCulture)</c> writes) for the
/// values logs are full of: latencies, amounts and ratios with at most three decimals below 10^12. The runtime's
/// general algorithm costs 60–100 ns per value, a large share of rendering a message; these values need one
/// multiplication, one division to verify and an integer's digits. Anything else returns false (use the runtime).
/// </summary>
/// <remarks>
/// Why the text is the runtime's: when <c>m / 10^k == value</c> for an integer <c>m</c> (|m| &lt; 2^53, k ≤ 3, the
/// smallest such k), the decimal <c>m·10^-k</c> parses back to <c>value</c> (IEEE division of exact operands is
/// correctly rounded, as parsing is). Below 10^12 one ulp is smaller than 10^-3, so no other decimal with k or fewer
/// decimals rounds to the same double: this is the unique shortest round-trip text, and from 10^-3 to 10^12 the
/// runtime writes it in fixed notation ("118.4", "0.005", "-3", "1000").
/// </remarks>
internal static class ShortDouble
{
    private const double Limit = 1e12;

    private static readonly double[] Scales = [1, 10, 100, 1000];

    /// <summary>Writes the text of <paramref name="value"/>; false (nothing written) when this path does not apply or it does not fit.</summary>
    public static bool TryFormat(double value, Span<char> destination, out int written)
    {
        written = 0;
        if (!(value > -Limit && value < Limit) || value == 0)
        {
            return false; // NaN, infinities, large values, and the two zeros ("0", "-0") go to the runtime
        }

        for (var k = 0; k < Scales.Length; k++)
        {
            var scaled = Math.Round(value * Scales[k]);
            if (scaled / Scales[k] != value)
            {
                continue;
            }

            return Write((long)scaled, k, destination, out written);
        }

        return false;
    }

    private static bool Write(long m, int decimals, Span<char> destination, out int written)
    {
        written = 0;
        if (decimals > 0 && m % 10 == 0)
        {
            return false; // not the shortest text (cannot happen for the smallest k; checked all the same)
        }

        Span<char> digits = stackalloc char[24];
        var negative = m < 0;
        if (!(negative ? -m : m).TryFormat(digits, out var count, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        // Leading zeros so there is a digit before the point ("0.005": digits "5", three decimals).
        var integerDigits = Math.Max(count - decimals, 1);
        var length = (negative ? 1 : 0) + integerDigits + (decimals > 0 ? 1 + decimals : 0);
        if (length > destination.Length)
        {
            return false;
        }

        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        var total = integerDigits + decimals;
        var padded = total - count; // zeros before the digits
        for (var i = 0; i < total; i++)
        {
            if (i == integerDigits)
            {
                destination[at++] = '.';
            }

            destination[at++] = i < padded ? '0' : digits[i - padded];
        }

        written = at;
        return true;
    }
}
