using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// The page as people use it, in real Chromium against Edison started in Production as its own process: typing and
/// pressing Enter at once, reloading mid-answer, stopping, two tabs, getting a real model. No test waits for a button
/// to light up before pressing Enter.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageInRealUseTests(BrowserFixture fixture, ProductionEdisons edisons) : IAsyncLifetime, IClassFixture<ProductionEdisons>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private IBrowserContext _context = null!;

    private string Writing => edisons.Writing.Client.BaseAddress!.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync();
        _context.SetDefaultTimeout(20_000);
        _context.Console += (_, message) => _console.Enqueue($"{message.Type}: {message.Text}");

        // Answers that cannot end while a test stops them (this model writes hundreds of tokens a second on an idle
        // machine), and settings in place before the first load. A test that waits for an answer's end asks for less.
        await _context.AddInitScriptAsync("localStorage.getItem('edison_settings') ?? localStorage.setItem('edison_settings', JSON.stringify({ maxTokens: 30000 }))");
    }

    public async Task DisposeAsync()
    {
        if (fixture.Browser is not null)
        {
            await _context.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task In_Production_the_page_is_styled_and_a_message_typed_and_sent_at_once_streams()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        var response = await page.GotoAsync(Writing + "/");

        await page.GetByTestId("chat-input").FillAsync("hello from a fast typist");
        await page.GetByTestId("chat-input").PressAsync("Enter");

        var answer = Answer(page);
        await Expect(answer).ToHaveAttributeAsync("data-state", "streaming");
        var first = await TextLengthAsync(answer);
        Assert.True(await GrowsWhileStreamingAsync(answer, first), "the answer grows token by token");
        Assert.Equal("hello from a fast typist", await page.GetByTestId("message").First.InnerTextAsync());
        Assert.Equal(200, response!.Status);
        Assert.Equal("fixed", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-appbar')).position"));
        Assert.Equal(string.Empty, await page.GetByTestId("chat-input").InputValueAsync());
        await page.GetByTestId("stop").ClickAsync();
    }

    [SkippableFact]
    public async Task Text_typed_in_the_first_moment_after_load_is_kept_and_Enter_sends_it()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });

        // The box has the focus from the start: the keys go straight to it, while the page is still starting.
        await page.Keyboard.TypeAsync("typed while the page started", new() { Delay = 15 });
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByTestId("message").First).ToHaveTextAsync("typed while the page started");
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("streaming|completed"));
        await page.GetByTestId("stop").ClickAsync();
    }

    [SkippableFact]
    public async Task What_is_typed_right_after_Enter_in_the_first_moment_after_load_stays_in_the_box()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });

        await page.Keyboard.TypeAsync("the first question", new() { Delay = 15 });
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("and a second thought", new() { Delay = 15 });

        await Expect(page.GetByTestId("message").First).ToHaveTextAsync("the first question");
        await Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("and a second thought");
        await page.GetByTestId("stop").ClickAsync();
        await Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("and a second thought");
    }

    [SkippableTheory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    public async Task Enter_pressed_twice_sends_once_and_what_is_typed_next_stays_in_the_box(int millisecondsApart)
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");
        await page.GetByTestId("chat-input").FillAsync("asked once");

        await page.GetByTestId("chat-input").PressAsync("Enter");
        await page.WaitForTimeoutAsync(millisecondsApart);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("typed next", new() { Delay = 15 });

        await Expect(page.GetByTestId("message").First).ToHaveTextAsync("asked once");
        await Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("typed next");
        await page.GetByTestId("stop").ClickAsync();
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("typed next");
    }

    [SkippableFact]
    public async Task A_paste_then_Enter_sends_the_pasted_text_and_a_paste_over_the_limit_is_refused_whole()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");
        var box = page.GetByTestId("chat-input");

        // The box is found in the page at the moment of the paste: the page may be swapping its first box for the
        // interactive one, and a person pastes into the box that is there.
        var refused = await page.EvaluateAsync<bool>(
            """
            () => {
                const box = document.querySelector('[data-testid=chat-input]');
                const data = new DataTransfer();
                data.setData('text/plain', 'x'.repeat(200000));
                const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
                box.dispatchEvent(paste);
                return paste.defaultPrevented;
            }
            """);
        try
        {
            await Expect(page.GetByTestId("input-refused")).ToContainTextAsync("Nothing was pasted");
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nrefused in the browser: {refused}\nconsole:\n{string.Join("\n", _console)}");
        }

        // A paste puts its text into the box in one go, as this does; Enter follows at once.
        await box.FocusAsync();
        await page.Keyboard.InsertTextAsync("a pasted paragraph of text");
        await page.Keyboard.PressAsync("Enter");

        Assert.True(refused, "the over-long paste was stopped before it reached the box");
        await Expect(page.GetByTestId("message").First).ToHaveTextAsync("a pasted paragraph of text");
        await page.GetByTestId("stop").ClickAsync();
    }

    [SkippableFact]
    public async Task A_reload_mid_answer_comes_back_with_the_answer_still_growing_and_the_whole_answer_is_stored()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");

        // Long enough to reload in the middle of with time to spare, short enough not to keep the suite waiting for its
        // end: the page renders all of it, and on a loaded machine that is slow.
        await page.EvaluateAsync("() => localStorage.setItem('edison_settings', JSON.stringify({ maxTokens: 1200 }))");
        await page.ReloadAsync();
        await SendAsync(page, "a long story please");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/c/[0-9a-f-]{36}$"));
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "streaming");
        var beforeReload = await TextLengthAsync(Answer(page));

        await page.ReloadAsync();

        await Expect(page.GetByTestId("message").First).ToHaveTextAsync("a long story please");
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "streaming");
        var afterReload = await TextLengthAsync(Answer(page));
        Assert.True(afterReload >= beforeReload, $"the text written so far is shown ({afterReload} >= {beforeReload})");
        Assert.True(await GrowsWhileStreamingAsync(Answer(page), afterReload), "and it goes on growing");
        // The page renders the growing answer all the while: on a loaded machine that takes most of a minute.
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 120_000 });
        var shown = await Answer(page).Locator(".markdown").InnerTextAsync();
        var stored = await StoredAsync(page.Url);
        Assert.Equal("completed", stored.GetProperty("messages")[1].GetProperty("state").GetString());
        Assert.Equal(shown.Trim(), stored.GetProperty("messages")[1].GetProperty("content").GetString()!.Trim());
        await Expect(Answer(page).GetByTestId("cut-off")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task A_stopped_answer_survives_a_reload_marked_stopped()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");
        await SendAsync(page, "stop me soon");
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "streaming");
        await page.GetByTestId("stop").ClickAsync();
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "stopped");
        var text = await Answer(page).Locator(".markdown").InnerTextAsync();

        await page.ReloadAsync();

        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(Answer(page).GetByTestId("stopped-label")).ToBeVisibleAsync();
        Assert.Equal(text, await Answer(page).Locator(".markdown").InnerTextAsync());
        Assert.Equal("stop me soon", await page.GetByTestId("message").First.InnerTextAsync());
    }

    [SkippableFact]
    public async Task Two_tabs_on_one_conversation_show_it_live_and_Stop_in_either_stops_it_for_both()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var one = await _context.NewPageAsync();
        var two = await _context.NewPageAsync();
        await one.GotoAsync(Writing + "/");
        await SendAsync(one, "shared question");
        await one.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/c/[0-9a-f-]{36}$"));

        await two.GotoAsync(one.Url);
        await Expect(two.GetByTestId("message").First).ToHaveTextAsync("shared question");
        await Expect(Answer(two)).ToHaveAttributeAsync("data-state", "streaming");
        await two.GetByTestId("stop").ClickAsync();

        await Expect(Answer(one)).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(Answer(two)).ToHaveAttributeAsync("data-state", "stopped");
        await SendAsync(two, "asked in the second tab");
        await Expect(one.GetByTestId("message").Nth(2)).ToHaveTextAsync("asked in the second tab");
        await Expect(Answer(one)).ToHaveAttributeAsync("data-state", "streaming");
        await one.GetByTestId("stop").ClickAsync();
        await Expect(Answer(two)).ToHaveAttributeAsync("data-state", "stopped");
    }

    [SkippableFact]
    public async Task Two_tabs_list_the_same_conversations_whether_one_is_imported_by_a_program_or_deleted_in_the_other_tab_and_the_tab_showing_it_moves_on()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var one = await _context.NewPageAsync();
        var two = await _context.NewPageAsync();
        await one.GotoAsync(Writing + "/");
        await two.GotoAsync(Writing + "/");
        var title = $"From a script {Guid.NewGuid().ToString("N")[..8]}";

        // Both pages have listed the conversations already (they are live): the import comes after.
        await Expect(one.GetByTestId("import-file")).ToBeEnabledAsync();
        await Expect(two.GetByTestId("import-file")).ToBeEnabledAsync();

        var imported = await edisons.Writing.Client.PostAsJsonAsync("/api/conversations/import", new
        {
            messages = new[] { new { role = "user", content = title }, new { role = "assistant", content = "noted" } },
        });
        var inOne = one.GetByTestId("conversation-item").Filter(new() { HasText = title });
        var inTwo = two.GetByTestId("conversation-item").Filter(new() { HasText = title });
        await Expect(inOne).ToHaveCountAsync(1);
        await Expect(inTwo).ToHaveCountAsync(1);
        await inOne.Locator("a").First.ClickAsync();
        await Expect(one.GetByTestId("message").First).ToHaveTextAsync(title);

        await inTwo.GetByTestId("delete-conversation").ClickAsync();
        await two.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        Assert.Equal(System.Net.HttpStatusCode.Created, imported.StatusCode);
        await Expect(inTwo).ToHaveCountAsync(0);
        await Expect(inOne).ToHaveCountAsync(0);

        // The tab that showed it says so and moves to a new chat, rather than showing what is no longer stored.
        await Expect(one.GetByText("This conversation was deleted")).ToBeVisibleAsync();
        await Expect(one.GetByTestId("message")).ToHaveCountAsync(0);
        Assert.EndsWith("/", one.Url);
    }

    [SkippableFact]
    public async Task A_message_sent_the_moment_the_page_opens_already_follows_the_settings()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");
        await page.EvaluateAsync("() => localStorage.setItem('edison_settings', JSON.stringify({ remember: false, maxTokens: 5 }))");

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.Keyboard.TypeAsync("keep this one to yourself");
        await page.Keyboard.PressAsync("Enter");

        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "completed");
        // Five tokens of "and on and on it went", where Edison's default would have written hundreds.
        Assert.InRange((await Answer(page).Locator(".markdown").InnerTextAsync()).Length, 1, 40);
        await Expect(Answer(page).GetByTestId("cut-off")).ToBeVisibleAsync();

        // Stored, as every conversation is, but marked to be never recalled in another.
        await page.WaitForURLAsync("**/c/*");
        var stored = await edisons.Writing.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{new Uri(page.Url).Segments[^1]}");
        Assert.False(stored.GetProperty("messages")[1].GetProperty("details").GetProperty("remembered").GetBoolean());
    }

    [SkippableFact]
    public async Task Escape_closes_the_settings_as_Cancel()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Writing + "/");
        var stored = await page.EvaluateAsync<string>("() => localStorage.getItem('edison_settings')");

        await page.GetByTestId("settings-open").ClickAsync();
        await page.GetByTestId("stream-toggle").ClickAsync();
        await page.Keyboard.PressAsync("Escape");

        await Expect(page.GetByTestId("settings-dialog")).ToHaveCountAsync(0);
        Assert.Equal(stored, await page.EvaluateAsync<string>("() => localStorage.getItem('edison_settings')"));
    }

    [SkippableFact]
    public async Task On_a_phone_the_demo_model_banner_leaves_the_conversation_room_and_still_says_how_to_load_a_model()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var phone = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await phone.NewPageAsync();
        await page.GotoAsync(edisons.Demo.Client.BaseAddress + "");
        var banner = page.GetByTestId("model-banner");
        await Expect(banner).ToContainTextAsync("built-in demo model");

        var height = (await banner.BoundingBoxAsync())!.Height;
        Assert.True(height <= 120, $"the banner takes {height} px of the phone's 844");

        // How to use a GGUF of one's own is a tap away (once the page is live: it draws itself anew then).
        await Expect(page.GetByTestId("get-model")).ToBeEnabledAsync();
        await banner.GetByText("Use your own GGUF").ClickAsync();
        await Expect(banner.GetByText("Edison__Model__Path")).ToBeVisibleAsync();

        // The models to get fit the phone: the first Download, where the dialog starts, does not scroll their names
        // away, and each Download says which model it gets.
        await page.GetByTestId("get-model").ClickAsync();
        var first = page.GetByTestId("recommended-model").First;
        await Expect(page.GetByTestId("download").First).ToBeFocusedAsync();
        await Expect(first.Locator("b")).ToBeInViewportAsync(new() { Ratio = 1 });
        var name = await first.Locator("b").InnerTextAsync();
        await Expect(page.GetByTestId("download").First).ToHaveAccessibleNameAsync($"Download {name}");
    }

    [SkippableFact]
    public async Task After_getting_a_real_model_from_the_hub_the_next_answer_comes_from_it()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(edisons.Demo.Client.BaseAddress + "");
        await SendAsync(page, "who are you?");
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Answer(page)).ToContainTextAsync("demo model");

        await page.GetByTestId("get-model").ClickAsync();
        await page.GetByTestId("download").First.ClickAsync();
        await Expect(page.GetByTestId("get-model")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("download-banner")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await SendAsync(page, "and now?");

        await Expect(page.GetByTestId("message")).ToHaveCountAsync(4);
        await Expect(Answer(page)).ToHaveAttributeAsync("data-state", "completed");
        Assert.Equal(Edison.Tests.TestSupport.TestModels.GreetingAnswer, (await Answer(page).Locator(".markdown").InnerTextAsync()).Trim());
    }

    private static ILocator Answer(IPage page) => page.Locator("[data-testid=message][data-role=assistant]").Last;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>As a person does it: type, Enter.</summary>
    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByTestId("chat-input").FillAsync(text);
        await page.GetByTestId("chat-input").PressAsync("Enter");
    }

    private static async Task<int> TextLengthAsync(ILocator answer) =>
        await answer.Locator(".markdown").CountAsync() == 0 ? 0 : (await answer.Locator(".markdown").InnerTextAsync()).Length;

    /// <summary>
    /// Whether the answer shows more than <paramref name="length"/> characters while it is still streaming. Polled:
    /// on a loaded machine the next token can take longer than any fixed pause.
    /// </summary>
    private static async Task<bool> GrowsWhileStreamingAsync(ILocator answer, int length)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var grown = await TextLengthAsync(answer) > length;
            var streaming = await answer.GetAttributeAsync("data-state") == "streaming";
            if (grown || !streaming)
            {
                return grown && streaming;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private async Task<JsonElement> StoredAsync(string pageUrl) =>
        await edisons.Writing.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{new Uri(pageUrl).Segments[^1]}");
}
