using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Edison.Web.Markdown;

/// <summary>
/// Renders model output, which is untrusted, as HTML: raw HTML is disabled (it shows as text), links and images
/// may only use http, https, mailto or relative addresses, links open without passing the page on, and code
/// blocks get a copy button.
/// </summary>
public sealed class MarkdownRenderer
{
    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .DisableHtml()
        .Build();

    public string ToHtml(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, _pipeline);
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case LinkInline link:
                    link.Url = SafeUrl(link.Url);
                    if (!link.IsImage)
                    {
                        link.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer nofollow");
                        link.GetAttributes().AddPropertyIfNotExist("target", "_blank");
                    }

                    break;
                case AutolinkInline autolink:
                    autolink.Url = SafeUrl(autolink.Url) ?? "#";
                    break;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        _pipeline.Setup(renderer);
        renderer.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new CopyableCodeBlockRenderer());
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
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
        return SafeSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase) ? url : "#";
    }

    private sealed class CopyableCodeBlockRenderer : CodeBlockRenderer
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock obj)
        {
            renderer.Write("<div class=\"code-block\"><button type=\"button\" class=\"copy-code\" data-testid=\"copy-code\" aria-label=\"Copy code\">Copy</button>");
            base.Write(renderer, obj);
            renderer.Write("</div>");
        }
    }
}
