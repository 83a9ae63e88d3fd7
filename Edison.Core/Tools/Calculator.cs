using System.Globalization;
using System.Numerics;
using System.Text;

namespace Edison.Core.Tools;

/// <summary>
/// Exact arithmetic for the <c>calculator</c> tool: numbers are fractions of whole numbers of any size, so 0.1 + 0.2 is
/// 0.3 and 2^100 is every digit of it. Takes + - * / % ^ (whole powers), parentheses and decimal numbers (with an
/// exponent: 1.5e3). A model is poor at arithmetic; this is what it calls instead of guessing.
/// </summary>
public static class Calculator
{
    private const int MaxPower = 10_000;
    // About 10,000 decimal digits: more than any answer reads, and little time to compute.
    private const long MaxBits = 33_220;

    /// <summary>The value of <paramref name="expression"/>, exact: a whole or terminating number as is, any other fraction as p/q and ≈ its first digits.</summary>
    /// <exception cref="ArgumentException">The expression is not arithmetic Edison reads, or divides by zero.</exception>
    public static string Evaluate(string expression)
    {
        var parser = new Parser(expression);
        var value = parser.Expression();
        parser.End();
        return Write(value);
    }

    private static string Write(Fraction value)
    {
        var (numerator, denominator) = (value.Numerator, value.Denominator);
        var whole = BigInteger.DivRem(BigInteger.Abs(numerator), denominator, out var rest);
        string sign = numerator.Sign < 0 ? "-" : "";
        if (rest.IsZero)
        {
            return sign + whole.ToString(CultureInfo.InvariantCulture);
        }

        // A fraction terminates in decimal when its denominator has no prime factors but 2 and 5.
        var reduced = denominator;
        int twos = 0, fives = 0;
        for (; reduced % 2 == 0; reduced /= 2, twos++) { }
        for (; reduced % 5 == 0; reduced /= 5, fives++) { }
        var decimals = Decimals(rest, denominator, reduced.IsOne ? Math.Max(twos, fives) : 30);
        return reduced.IsOne
            ? $"{sign}{whole}.{decimals}"
            : $"{sign}{BigInteger.Abs(numerator)}/{denominator} ≈ {sign}{whole}.{decimals}";
    }

    private static string Decimals(BigInteger rest, BigInteger denominator, int digits)
    {
        var text = new StringBuilder(digits);
        for (int i = 0; i < digits && !rest.IsZero; i++)
        {
            rest *= 10;
            text.Append((char)('0' + (int)(rest / denominator)));
            rest %= denominator;
        }

        return text.ToString();
    }

    private readonly record struct Fraction(BigInteger Numerator, BigInteger Denominator)
    {
        public static Fraction Of(BigInteger numerator, BigInteger denominator)
        {
            if (denominator.IsZero)
            {
                throw new ArgumentException("Division by zero.");
            }

            var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
            var (n, d) = (numerator / divisor, denominator / divisor);
            if (n.GetBitLength() > MaxBits || d.GetBitLength() > MaxBits)
            {
                throw new ArgumentException("The result is too large to write out.");
            }

            return d.Sign < 0 ? new(-n, -d) : new(n, d);
        }

        public static Fraction operator +(Fraction a, Fraction b) => Of(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

        public static Fraction operator -(Fraction a, Fraction b) => Of(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

        public static Fraction operator *(Fraction a, Fraction b) => Of(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

        public static Fraction operator /(Fraction a, Fraction b) => Of(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

        public static Fraction operator %(Fraction a, Fraction b)
        {
            var quotient = a / b;
            return a - b * Of(BigInteger.Divide(quotient.Numerator, quotient.Denominator), 1);
        }

        public Fraction Power(Fraction exponent)
        {
            if (!exponent.Denominator.IsOne || BigInteger.Abs(exponent.Numerator) > MaxPower)
            {
                throw new ArgumentException($"Powers must be whole numbers from -{MaxPower} to {MaxPower}.");
            }

            int power = (int)exponent.Numerator;
            if (Numerator.GetBitLength() * Math.Abs(power) > MaxBits || Denominator.GetBitLength() * Math.Abs(power) > MaxBits)
            {
                throw new ArgumentException("The result is too large to write out.");
            }

            var (n, d) = (BigInteger.Pow(Numerator, Math.Abs(power)), BigInteger.Pow(Denominator, Math.Abs(power)));
            return power < 0 ? Of(d, n) : Of(n, d);
        }
    }

    /// <summary>Recursive descent: sums of products of powers of signed numbers and parenthesised expressions.</summary>
    private sealed class Parser(string text)
    {
        private int _at;

        public Fraction Expression()
        {
            var value = Term();
            while (Next() is '+' or '-')
            {
                value = text[_at++] == '+' ? value + Term() : value - Term();
            }

            return value;
        }

        public void End()
        {
            if (Next() is not null)
            {
                throw new ArgumentException($"Unexpected '{text[_at]}' at position {_at + 1} of \"{text}\".");
            }
        }

        private Fraction Term()
        {
            var value = Factor();
            while (Next() is '*' or '/' or '%' or '×' or '÷')
            {
                char op = text[_at++];
                var right = Factor();
                value = op switch
                {
                    '*' or '×' => value * right,
                    '%' => value % right,
                    _ => value / right,
                };
            }

            return value;
        }

        /// <summary>A signed power: the sign applies to the power, as in arithmetic (-2^2 is -4) and 2^-2 takes a signed exponent.</summary>
        private Fraction Factor()
        {
            if (Next() is '-' or '+')
            {
                return text[_at++] == '-' ? Fraction.Of(-1, 1) * Factor() : Factor();
            }

            var value = Primary();
            if (Next() == '^' || (Next() == '*' && _at + 1 < text.Length && text[_at + 1] == '*'))
            {
                _at += text[_at] == '^' ? 1 : 2;
                return value.Power(Factor());
            }

            return value;
        }

        private Fraction Primary()
        {
            if (Next() == '(')
            {
                _at++;
                var inner = Expression();
                if (Next() != ')')
                {
                    throw new ArgumentException($"A '(' in \"{text}\" is not closed.");
                }

                _at++;
                return inner;
            }

            return Number();
        }

        private Fraction Number()
        {
            int start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] is '.' or '_'))
            {
                _at++;
            }

            var digits = text[start.._at].Replace("_", "", StringComparison.Ordinal);
            if (digits.Length == 0 || digits.Count(c => c == '.') > 1 || digits == ".")
            {
                throw new ArgumentException(_at < text.Length
                    ? $"Expected a number at position {_at + 1} of \"{text}\", found '{text[_at]}'."
                    : $"\"{text}\" ends where a number should be.");
            }

            int point = digits.IndexOf('.');
            var whole = point < 0 ? digits : digits.Remove(point, 1);
            var value = Fraction.Of(BigInteger.Parse(whole.Length == 0 ? "0" : whole, CultureInfo.InvariantCulture), BigInteger.Pow(10, point < 0 ? 0 : digits.Length - point - 1));
            if (_at < text.Length && text[_at] is 'e' or 'E')
            {
                _at++;
                int sign = 1;
                if (_at < text.Length && text[_at] is '-' or '+')
                {
                    sign = text[_at++] == '-' ? -1 : 1;
                }

                int exponentStart = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                {
                    _at++;
                }

                if (_at == exponentStart || _at - exponentStart > 4)
                {
                    throw new ArgumentException($"The exponent at position {exponentStart} of \"{text}\" is not a whole number of at most four digits.");
                }

                value = value * Fraction.Of(10, 1).Power(Fraction.Of(sign * int.Parse(text[exponentStart.._at], CultureInfo.InvariantCulture), 1));
            }

            return value;
        }

        /// <summary>The next character that is not white space, or null at the end.</summary>
        private char? Next()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }

            return _at < text.Length ? text[_at] : null;
        }
    }
}
