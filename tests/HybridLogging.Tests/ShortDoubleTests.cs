using System.Globalization;
using FsCheck.Xunit;
using HybridLogging.Formatting.Internal;

namespace HybridLogging.Tests;

public sealed class ShortDoubleTests
{
    private static readonly double[] Edges =
    [
        0.001, -0.001, 0.005, 0.01, 0.1, 0.2, 0.3, 0.1 + 0.2, 1, -1, 10, 100, 1000, 1e11, 1e12 - 1, 999_999_999_999.999,
        999_999_999_999.99, 123_456_789.123, 4_503_599_627_370_495.5, 118.4, 60.1, 10.25, 1.5e-3, 2.675, 1.005, 1.0049999999999999,
        0.30000000000000004, 9_007_199_254_740_993, 1e-4, 1e-5, 5e-324, double.Epsilon, double.MaxValue, double.MinValue,
        0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 33.333333333333336, 1234.5678, 0.999, 0.9995,
    ];

    [Fact]
    public void Edge_values_are_written_as_the_runtime_writes_them_or_left_to_it()
    {
        foreach (var value in Edges)
        {
            AssertSameAsRuntime(value);
        }
    }

    [Property(MaxTest = 2000)]
    public void Values_with_few_decimals_are_written_as_the_runtime_writes_them(long units, byte decimals, bool negative)
    {
        var scale = Math.Pow(10, decimals % 6);
        var value = (units % 2_000_000_000_000_000L) / scale;
        AssertSameAsRuntime(negative ? -value : value);
    }

    [Property(MaxTest = 2000)]
    public void Any_double_is_written_as_the_runtime_writes_it_or_left_to_it(long bits)
    {
        AssertSameAsRuntime(BitConverter.Int64BitsToDouble(bits));
    }

    [Property(MaxTest = 2000)]
    public void Sums_and_quotients_of_small_numbers_are_written_as_the_runtime_writes_them(int a, int b)
    {
        AssertSameAsRuntime((a % 100_000) / 10.0 + (b % 1000) / 100.0);
        AssertSameAsRuntime((a % 100_000) * 0.1);
        AssertSameAsRuntime(b == 0 ? 0 : (double)a / b);
    }

    [Fact]
    public void A_destination_too_small_gets_nothing()
    {
        Assert.False(ShortDouble.TryFormat(118.4, new char[4], out var written));
        Assert.Equal(0, written);
    }

    private static void AssertSameAsRuntime(double value)
    {
        var buffer = new char[32];
        if (ShortDouble.TryFormat(value, buffer, out var written))
        {
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), new string(buffer, 0, written));
        }
    }
}
