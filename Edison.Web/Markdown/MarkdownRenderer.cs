using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Edison.Web.Markdown;

/// <summary>
/// Renders model output, which is untrusted (a model may repeat what a hostile web page or memory told it), as inert
/// HTML. The Markdown extensions are the ones people use in chat and nothing that lets the text choose attributes or
/// embed media; raw HTML shows as text; links keep only http, https, mailto and relative addresses and open without
/// passing the page on; images are never fetched, they become links naming their host; code blocks get a header with
/// their language and a copy button; maths (<c>$…$</c>, <c>$$…$$</c>, <c>\(…\)</c>, <c>\[…\]</c>) is marked for the
/// page to typeset with KaTeX, as the code is highlighted there too. The HTML then goes through
/// <see cref="AnswerHtmlSanitizer"/>, so a Markdig bug is not an XSS.
/// </summary>
public sealed class MarkdownRenderer
{
    private const string Blocked = "#";
    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    // Not UseAdvancedExtensions: it brings generic attributes ({onclick=...}), media links (<iframe>), custom
    // containers (model-chosen classes), figures and more that chat answers do not need.
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseGridTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseFootnotes()
        .UseMathematics()
        .Use<BracketMathExtension>()
        .DisableHtml()
        .Build();

    private readonly AnswerHtmlSanitizer _sanitizer = new();

    public string ToHtml(string markdown) => string.Concat(ToHtmlBlocks(markdown));

    /// <summary>
    /// The answer's HTML block by block (paragraphs, lists, code blocks, …), each whole and sanitized on its own: the page
    /// puts each in as it is, so while an answer streams only its last blocks change and the rest of the page stays as it
    /// was painted, its maths typeset and its code highlighted.
    /// </summary>
    public IReadOnlyList<string> ToHtmlBlocks(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, _pipeline);
        foreach (var node in document.Descendants().ToList())
        {
            switch (node)
            {
                case LinkInline { IsImage: true } image:
                    ReplaceWithLink(image);
                    break;
                case LinkInline link when SafeUrl(link.Url) == Blocked:
                    Unwrap(link);
                    break;
                case LinkInline link:
                    OpenApart(link);
                    break;
                case AutolinkInline autolink when SafeUrl(autolink.Url) == Blocked:
                    autolink.ReplaceBy(new LiteralInline(autolink.Url), copyChildren: false);
                    break;
                case HeadingBlock heading:
                    // The page's own heading is the one level 1: an answer's headings sit below it.
                    heading.Level = Math.Min(heading.Level + 1, 6);
                    break;
                case Markdig.Extensions.TaskLists.TaskList task:
                    task.GetAttributes().AddPropertyIfNotExist("aria-label", task.Checked ? "Done" : "Not done");
                    break;
                case MathInline { DelimiterCount: 2 } display:
                    display.GetAttributes().AddClass(BracketMathInlineParser.DisplayClass);
                    break;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        _pipeline.Setup(renderer);
        renderer.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new CopyableCodeBlockRenderer());
        var blocks = new List<string>(document.Count);
        foreach (var block in document)
        {
            renderer.Render(block);
            writer.Flush();
            var html = writer.GetStringBuilder();
            if (html.Length > 0)
            {
                blocks.Add(_sanitizer.Sanitize(html.ToString()));
                html.Clear();
            }
        }

        return blocks;
    }

    /// <summary>The address if its scheme is safe, else "#". Browsers ignore whitespace and controls inside a scheme.</summary>
    public static string? SafeUrl(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var compact = new string(url.Where(c => c > ' ').ToArray());
        int colon = compact.IndexOf(':');
        int boundary = compact.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (boundary >= 0 && boundary < colon))
        {
            return url;
        }

        var scheme = compact[..colon];
        return SafeSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase) ? url : Blocked;
    }

    /// <summary>
    /// Where an address points, as a reader should see it before following it: the host of an absolute address, or
    /// null for one on this Edison (relative) or one that was blocked.
    /// </summary>
    public static string? HostOf(string? url) =>
        url is not null && Uri.TryCreate(url.StartsWith("//", StringComparison.Ordinal) ? "https:" + url : url, UriKind.Absolute, out var uri)
                        && SafeSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase)
            ? uri.IdnHost
            : null;

    /// <summary>
    /// An image would be fetched the moment the answer renders, telling its host whatever the model put in the
    /// address (a way to leak what is on screen). It becomes a link that names the host; the reader decides.
    /// </summary>
    private static void ReplaceWithLink(LinkInline image)
    {
        var alt = string.Concat(image.Descendants<LiteralInline>().Select(l => l.Content.ToString())).Trim();
        var host = HostOf(image.Url);
        var label = $"Image: {(alt.Length > 0 ? alt : "untitled")}{(host is null ? string.Empty : $" ({host})")}";

        // A link cannot hold another, and a blocked address is no link at all: then the label is plain text.
        if (IsInsideLink(image) || SafeUrl(image.Url) == Blocked)
        {
            image.ReplaceBy(new LiteralInline(label), copyChildren: false);
            return;
        }

        while (image.FirstChild is { } child)
        {
            child.Remove();
        }

        image.IsImage = false;
        image.AppendChild(new LiteralInline(label));
        image.GetAttributes().AddClass("image-link");
        OpenApart(image);
    }

    /// <summary>A link to a blocked address keeps its text and loses the link.</summary>
    private static void Unwrap(LinkInline link)
    {
        foreach (var child in link.ToList())
        {
            child.Remove();
            link.InsertBefore(child);
        }

        link.Remove();
    }

    private static bool IsInsideLink(Inline inline)
    {
        for (var parent = inline.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is LinkInline)
            {
                return true;
            }
        }

        return false;
    }

    private static void OpenApart(LinkInline link)
    {
        link.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer nofollow");
        link.GetAttributes().AddPropertyIfNotExist("target", "_blank");
    }

    /// <summary>A code block under a header that names its language and holds its copy button, beside the code, never over it.</summary>
    private sealed class CopyableCodeBlockRenderer : CodeBlockRenderer
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock obj)
        {
            renderer.Write("<div class=\"code-block\"><div class=\"code-header\"><span class=\"code-lang\">");
            if (obj is FencedCodeBlock { Info: { Length: > 0 } language })
            {
                renderer.WriteEscape(language);
            }

            renderer.Write("</span><button type=\"button\" class=\"copy-code\" data-testid=\"copy-code\" aria-label=\"Copy code\">Copy</button></div>");
            base.Write(renderer, obj);
            renderer.Write("</div>");
        }
    }
}
