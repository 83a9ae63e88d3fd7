using Edison.Core.Tools;

namespace Edison.Tests.Core.Tools;

/// <summary>The calculator tool is exact where a model (and floating point) is not.</summary>
public sealed class CalculatorTests
{
    [Theory]
    [InlineData("0.1 + 0.2", "0.3")]
    [InlineData("2^64", "18446744073709551616")]
    [InlineData("2**10 - 24", "1000")]
    [InlineData("(1.5 + 2) * 3^4 / 7", "40.5")]
    [InlineData("1/3", "1/3 ≈ 0.333333333333333333333333333333")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("2^-2", "0.25")]
    [InlineData("1.5e3 + 1e-2", "1500.01")]
    [InlineData("123456789012345678901234567890 * 10", "1234567890123456789012345678900")]
    [InlineData("-(3 - 5) × 4 ÷ 8", "1")]
    [InlineData("-2^2", "-4")]
    [InlineData("2^-1 + -3", "-2.5")]
    public void Arithmetic_is_exact(string expression, string value) =>
        Assert.Equal(value, Calculator.Evaluate(expression));

    [Theory]
    [InlineData("1/0", "Division by zero")]
    [InlineData("2^0.5", "whole numbers")]
    [InlineData("2^100000", "whole numbers")]
    [InlineData("3 +", "ends where a number should be")]
    [InlineData("(1 + 2", "not closed")]
    [InlineData("1 + x", "found 'x'")]
    [InlineData("99999999^9999", "too large")]
    public void What_it_cannot_compute_it_says_why(string expression, string reason) =>
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => Calculator.Evaluate(expression)).Message);
}
