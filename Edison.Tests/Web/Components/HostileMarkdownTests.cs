using Bunit;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;

namespace Edison.Tests.Web.Components;

/// <summary>Model output is untrusted: what it writes renders as inert text and safe links.</summary>
public sealed class HostileMarkdownTests : ChatPageContext
{
    [Theory]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("Look: <img src=x onerror=alert(1)>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    public void Raw_HTML_in_an_answer_is_shown_as_text_not_markup(string hostile)
    {
        var item = RenderAnswer(hostile);

        Assert.Empty(item.FindAll("script, img, iframe, [onerror], a[href^='javascript']"));
        Assert.Contains(hostile.Split('<')[0], item.Find(".markdown").TextContent);
        Assert.Contains("<", item.Find(".markdown").TextContent);
    }

    [Theory]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](JaVaScRiPt:alert(1))")]
    [InlineData("[click me](java\tscript:alert(1))")]
    [InlineData("[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click me](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    public void Dangerous_links_are_neutralised(string hostile)
    {
        var item = RenderAnswer(hostile);

        foreach (var link in item.FindAll("a"))
        {
            var href = new string(link.GetAttribute("href")!.Where(c => c > ' ').ToArray());
            Assert.DoesNotMatch("^(?i)(javascript|data|vbscript):", href);
        }
    }

    [Fact]
    public void Ordinary_links_stay_and_open_safely()
    {
        var item = RenderAnswer("See [the docs](https://example.org/docs) and [home](/c/1).");

        var links = item.FindAll("a");
        Assert.Equal(["https://example.org/docs", "/c/1"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.Contains("noopener", a.GetAttribute("rel")));
    }

    [Fact]
    public void A_data_image_cannot_carry_a_payload()
    {
        var item = RenderAnswer("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)");

        Assert.All(item.FindAll("img"), img => Assert.DoesNotContain("data:", img.GetAttribute("src")));
    }

    [Fact]
    public void Code_blocks_render_with_a_copy_button_and_escaped_content()
    {
        var item = RenderAnswer("```html\n<script>alert(1)</script>\n```");

        Assert.NotNull(item.Find(".code-block [data-testid=copy-code]"));
        Assert.Equal("<script>alert(1)</script>", item.Find(".code-block pre code").TextContent.Trim());
        Assert.Empty(item.FindAll("script"));
    }

    private IRenderedComponent<ChatMessageItem> RenderAnswer(string markdown) =>
        Render<ChatMessageItem>(p => p.Add(c => c.Message, new ChatMessage(ChatTurn.Assistant, markdown)));
}
