using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// Answers as people expect Markdown to look, in real Chromium: code highlighted under a header with its language
/// and a copy button beside it, maths typeset by KaTeX served by Edison (also while an answer streams, never shown
/// raw), links, quotes and tables styled, a wide table scrolled rather than its words broken; the page's policy holds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MarkdownInTheBrowserTests(BrowserFixture fixture, MarkdownInTheBrowserTests.MathsEdison edison) : IAsyncLifetime, IClassFixture<MarkdownInTheBrowserTests.MathsEdison>
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    /// <summary>Edison on a model that writes maths and code without end.</summary>
    public sealed class MathsEdison : IAsyncLifetime
    {
        public EdisonFactory Factory { get; } = new(TestModels.EndlessMaths, contextSize: 32768);

        public string BaseAddress { get; private set; } = string.Empty;

        public async Task InitializeAsync() => BaseAddress = (await Factory.StartOnSocketAsync()).BaseAddress!.ToString().TrimEnd('/');

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = edison.BaseAddress, ViewportSize = new() { Width = 1280, Height = 800 } });
        await _context.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        await _context.AddInitScriptAsync("localStorage.setItem('edison_settings', JSON.stringify({ maxTokens: 1000 }))");
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (fixture.Browser is not null)
        {
            await _context.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Code_is_highlighted_maths_typeset_and_tables_quotes_and_links_styled()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await RichMarkdown.StoreAsync(edison.Factory.Services);

        await _page.GotoAsync($"/c/{id}");
        var answer = _page.Locator("[data-testid=message][data-role=assistant] .markdown");
        await Assertions.Expect(answer.Locator(".katex")).ToHaveCountAsync(4);

        var page = await _page.EvaluateAsync<JsonElement>(
            """
            () => {
                const answer = document.querySelector('[data-role=assistant] .markdown');
                const box = e => e.getBoundingClientRect();
                const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                const copy = box(answer.querySelector('.copy-code')), pre = box(answer.querySelector('pre'));
                const table = answer.querySelector('table'), cell = answer.querySelector('td');
                const link = getComputedStyle(answer.querySelector('p a')), text = getComputedStyle(answer.querySelector('p'));
                return {
                    language: answer.querySelector('.code-lang').textContent,
                    keywords: [...answer.querySelectorAll('pre code .hljs-keyword')].map(k => k.textContent),
                    copyOverCode: overlaps(copy, pre),
                    displays: answer.querySelectorAll('.katex-display').length,
                    rawTex: /\\frac|\\int|\$x\^2\$/.test(answer.innerText),
                    tableScrolls: table.scrollWidth > table.clientWidth,
                    cellLines: Math.round(cell.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight)),
                    cellBorder: getComputedStyle(cell).borderTopStyle,
                    linkUnderlined: link.textDecorationLine.includes('underline'),
                    linkColoured: link.color !== text.color,
                    quoteBorder: parseFloat(getComputedStyle(answer.querySelector('blockquote')).borderLeftWidth),
                    csp: window.__csp,
                };
            }
            """);

        Assert.Equal("python", page.GetProperty("language").GetString());
        Assert.Contains("def", page.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        Assert.False(page.GetProperty("copyOverCode").GetBoolean(), "the copy button sits beside the code, not over it");
        Assert.Equal(2, page.GetProperty("displays").GetInt32());
        Assert.False(page.GetProperty("rawTex").GetBoolean(), "no TeX is shown raw");
        Assert.True(page.GetProperty("tableScrolls").GetBoolean(), "a wide table scrolls sideways");
        Assert.Equal(1, page.GetProperty("cellLines").GetInt32());
        Assert.Equal("solid", page.GetProperty("cellBorder").GetString());
        Assert.True(page.GetProperty("linkUnderlined").GetBoolean());
        Assert.True(page.GetProperty("linkColoured").GetBoolean());
        Assert.True(page.GetProperty("quoteBorder").GetDouble() >= 2);
        Assert.Empty(page.GetProperty("csp").EnumerateArray());
    }

    [SkippableFact]
    public async Task Maths_streamed_by_the_model_is_typeset_as_it_arrives_and_never_painted_raw()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await _page.GotoAsync("/");
        await Assertions.Expect(_page.Locator(".chat-root")).ToHaveAttributeAsync("data-enhanced", "true");

        // Before every frame is painted: does any answer hold maths not typeset yet?
        await _page.EvaluateAsync("() => { window.__rawFrames = 0; const look = () => { if (document.querySelector('.markdown .math:not([data-typeset])')) window.__rawFrames++; requestAnimationFrame(look); }; requestAnimationFrame(look); }");
        await _page.GetByTestId("chat-input").FillAsync("maths please");
        await _page.GetByTestId("chat-input").PressAsync("Enter");

        // Typeset while the answer is still being written, not once it is whole.
        await _page.WaitForFunctionAsync(
            "() => { const answer = [...document.querySelectorAll('[data-testid=message][data-role=assistant]')].pop(); return answer?.dataset.state === 'streaming' && answer.querySelectorAll('.katex').length > 1; }",
            null,
            new() { PollingInterval = 20 });
        var answer = _page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).Not.ToHaveAttributeAsync("data-state", "streaming", new() { Timeout = 60_000 });

        Assert.Equal(0, await _page.EvaluateAsync<int>("() => window.__rawFrames"));
        Assert.True(await answer.Locator(".katex").CountAsync() > 10, "the whole answer is typeset");
        Assert.Empty(await _page.EvaluateAsync<string[]>("() => window.__csp"));
    }
}
