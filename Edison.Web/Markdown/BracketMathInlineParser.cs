using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Edison.Web.Markdown;

/// <summary>
/// LaTeX's own delimiters, which models write as often as dollars: <c>\(…\)</c> inline and <c>\[…\]</c> displayed,
/// read as Markdig's maths. Without this, CommonMark reads <c>\(</c> as an escaped parenthesis and the maths shows as
/// text with its backslashes gone. One not closed in its paragraph stays text.
/// </summary>
public sealed class BracketMathInlineParser : InlineParser
{
    /// <summary>The class of maths shown as a display (its own line, centred), as <c>$$…$$</c> and <c>\[…\]</c> are.</summary>
    public const string DisplayClass = "math-display";

    public BracketMathInlineParser() => OpeningCharacters = ['\\'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        char open = slice.PeekChar();
        if (open is not ('(' or '['))
        {
            return false;
        }

        string close = open == '(' ? "\\)" : "\\]";
        var text = slice.Text;
        int start = slice.Start + 2;
        int end = text.IndexOf(close, start, slice.End - start + 1, StringComparison.Ordinal);
        if (end < 0 || string.IsNullOrWhiteSpace(text[start..end]))
        {
            return false;
        }

        var math = new MathInline
        {
            Span = new SourceSpan(processor.GetSourcePosition(slice.Start, out int line, out int column), processor.GetSourcePosition(end + 1)),
            Line = line,
            Column = column,
            Delimiter = open,
            DelimiterCount = open == '(' ? 1 : 2,
            Content = new StringSlice(text, start, end - 1),
        };
        math.GetAttributes().AddClass("math");
        processor.Inline = math;
        slice.Start = end + close.Length;
        return true;
    }
}

/// <summary>Puts <see cref="BracketMathInlineParser"/> before the escapes, which would read <c>\(</c> first.</summary>
public sealed class BracketMathExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.InlineParsers.Contains<BracketMathInlineParser>())
        {
            pipeline.InlineParsers.InsertBefore<EscapeInlineParser>(new BracketMathInlineParser());
        }
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }
}
