using System.Text.RegularExpressions;
using Ganss.Xss;

namespace Edison.Web.Markdown;

/// <summary>
/// The allow-list every rendered answer passes before it reaches the page: the elements and attributes Edison's own
/// Markdown produces and nothing else. HtmlSanitizer (mganss, MIT, maintained since 2013) parses with AngleSharp,
/// an HTML5-conformant parser, so it sees markup the way a browser does; an attribute, element, class or URL scheme
/// that is not listed here is dropped whatever produced it.
/// </summary>
public sealed partial class AnswerHtmlSanitizer
{
    private static readonly string[] Elements =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code",
        "strong", "em", "del", "ins", "mark", "sub", "sup", "a", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td",
        "div", "span", "button", "input",
    ];

    private static readonly string[] Attributes =
    [
        "href", "title", "rel", "target", "class", "id", "start", "colspan", "rowspan", "style",
        "type", "checked", "disabled", "aria-label", "data-testid",
    ];

    // What Markdig, its maths and the code blocks' header write; a fenced block's language becomes "language-…", checked below.
    private static readonly string[] Classes =
    [
        "code-block", "code-header", "code-lang", "copy-code", "image-link", "footnotes", "footnote-ref", "footnote-back-ref",
        "contains-task-list", "task-list-item", "task-list-item-checkbox", "math", BracketMathInlineParser.DisplayClass,
    ];

    private readonly HtmlSanitizer _sanitizer;

    public AnswerHtmlSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Elements, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(Attributes, StringComparer.OrdinalIgnoreCase),
            AllowedClasses = new HashSet<string>(Classes, StringComparer.Ordinal),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),

            // Tables' column alignment and widths are the only styles Markdown writes.
            AllowedCssProperties = new HashSet<string>(["text-align", "width"], StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        _sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        _sanitizer.RemovingCssClass += (_, e) => e.Cancel = LanguageClass().IsMatch(e.CssClass);
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element)
            {
                KeepOnlyOwnIdentifiers(element);
            }
        };
    }

    public string Sanitize(string html) => _sanitizer.Sanitize(html);

    /// <summary>
    /// Footnotes link by id ("fn:1", "fnref:1"); any other id could shadow a name the page's scripts look up (DOM
    /// clobbering), so it goes. Checkboxes stay only as the disabled ticks of a task list.
    /// </summary>
    private static void KeepOnlyOwnIdentifiers(AngleSharp.Dom.IElement element)
    {
        if (element.GetAttribute("id") is { } id && !FootnoteId().IsMatch(id))
        {
            element.RemoveAttribute("id");
        }

        if (element.LocalName == "input" && (element.GetAttribute("type") != "checkbox" || !element.HasAttribute("disabled")))
        {
            element.Remove();
        }
    }

    [GeneratedRegex("^language-[A-Za-z0-9_+#.-]{1,40}$")]
    private static partial Regex LanguageClass();

    [GeneratedRegex("^fn(ref)?:[0-9]{1,6}$")]
    private static partial Regex FootnoteId();
}
