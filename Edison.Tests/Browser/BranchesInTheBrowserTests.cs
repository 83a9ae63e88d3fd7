using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>Regenerate, edit and the version switcher in real Chromium against the real app and model, across reloads.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BranchesInTheBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(15_000);
        await _page.GotoAsync("/");
        await _page.EvaluateAsync("s => localStorage.setItem('edison_settings', s)", JsonSerializer.Serialize(new { streamResponses = true, maxTokens = 12 }));
        await _page.ReloadAsync();
        await WaitForCircuitAsync();
    }

    public async Task DisposeAsync()
    {
        if (fixture.Browser is not null)
        {
            await _context.DisposeAsync();
        }
    }

    private ILocator Messages => _page.GetByTestId("message");

    /// <summary>What each message says, without its buttons and labels.</summary>
    private ILocator Texts => _page.Locator("[data-testid=message] .markdown, [data-testid=message] .user-text");

    private ILocator LastAnswer => _page.Locator("[data-testid=message][data-role=assistant]").Last;

    [SkippableFact]
    public async Task Regenerating_twice_gives_three_answers_to_move_between_and_a_reload_keeps_the_one_shown()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me a story");

        await RegenerateAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/2");
        await RegenerateAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("3/3");
        await LastAnswer.GetByTestId("branch-prev").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");
        await LastAnswer.GetByTestId("branch-prev").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("1/3");
        await Expect(LastAnswer.GetByTestId("branch-prev")).ToBeDisabledAsync();
        await LastAnswer.GetByTestId("branch-next").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");

        await _page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");
        var stored = await StoredAsync();
        Assert.Equal(3, stored.GetProperty("messages")[1].GetProperty("siblings").GetInt32());
    }

    [SkippableFact]
    public async Task Editing_the_first_question_answers_the_edit_and_the_old_branch_is_still_there_after_a_reload()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me about Rome");
        await SendAsync("and about Milan");

        var first = Messages.First;
        await Expect(first.GetByTestId("edit-message")).ToBeEnabledAsync();
        await first.GetByTestId("edit-message").ClickAsync();
        await first.GetByTestId("edit-box").FillAsync("tell me about Lisbon");
        await first.GetByTestId("edit-save").ClickAsync();
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(first.GetByTestId("branch-position")).ToHaveTextAsync("2/2");

        // Opened again over a slow link, the version switch is clicked the moment it shows: before the page is live, a
        // click on a button that looks ready was lost.
        var reopened = await _context.NewPageAsync();
        await reopened.RouteWebSocketAsync(new Regex("/_blazor"), route => DelayFromFirstFrameHolding(route, string.Empty, TimeSpan.FromSeconds(2)));
        await reopened.GotoAsync(_page.Url);
        var messages = reopened.GetByTestId("message");
        await Expect(messages.First).ToContainTextAsync("tell me about Lisbon");
        await messages.First.GetByTestId("branch-prev").ClickAsync();
        await Expect(messages).ToHaveCountAsync(4);
        await Expect(messages.First).ToContainTextAsync("tell me about Rome");
        await Expect(messages.Nth(2)).ToContainTextAsync("and about Milan");
        await Expect(messages.First.GetByTestId("branch-position")).ToHaveTextAsync("1/2");
    }

    [SkippableFact]
    public async Task An_exported_conversation_imports_from_the_page_as_the_same_conversation()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me about otters");
        await SendAsync("and about beavers");
        var original = _page.Url;
        var texts = await Texts.AllInnerTextsAsync();

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByTestId("export-json").ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"edison-export-{Guid.NewGuid():N}.json");
        await download.SaveAsAsync(file);
        int listed = await _page.GetByTestId("conversation-item").CountAsync();
        await Expect(_page.GetByTestId("import-file")).ToBeEnabledAsync();
        await _page.GetByTestId("import-file").SetInputFilesAsync(file);
        await _page.WaitForURLAsync(url => url != original && url.Contains("/c/", StringComparison.Ordinal));

        // The same texts, exactly: read again while the page renders the imported conversation, not once the moment it
        // has four bubbles.
        var shown = await Texts.AllInnerTextsAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !shown.SequenceEqual(texts) && DateTime.UtcNow < deadline; shown = await Texts.AllInnerTextsAsync())
        {
            await Task.Delay(50);
        }

        Assert.Equal(texts, shown);
        await Expect(_page.GetByTestId("conversation-item")).ToHaveCountAsync(listed + 1);
        File.Delete(file);
    }

    [SkippableTheory]
    [InlineData("{\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}", "questions and answers take turns")]
    [InlineData("# My notes\n\nnot JSON at all", "it is not valid JSON")]
    public async Task A_file_that_is_not_a_conversation_is_refused_with_the_reason_and_nothing_is_added(string content, string reason)
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        int before = await _page.GetByTestId("conversation-item").CountAsync();

        await Expect(_page.GetByTestId("import-file")).ToBeEnabledAsync();
        await _page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.json",
            MimeType = "application/json",
            Buffer = System.Text.Encoding.UTF8.GetBytes(content),
        });

        await Expect(_page.Locator(".mud-snackbar")).ToContainTextAsync(reason);
        await Expect(_page.GetByTestId("conversation-item")).ToHaveCountAsync(before);
    }

    [SkippableFact]
    public async Task A_file_chosen_the_moment_import_is_offered_is_read_even_when_the_page_is_slow_to_listen()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var page = await _context.NewPageAsync();
        await page.RouteWebSocketAsync(new Regex("/_blazor"), route => DelayFromFirstFrameHolding(route, "Blazor._internal.InputFile.init", TimeSpan.FromSeconds(2)));
        await page.GotoAsync("/");

        await Expect(page.GetByTestId("import-file")).ToBeEnabledAsync();
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.json",
            MimeType = "application/json",
            Buffer = System.Text.Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}"),
        });

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("questions and answers take turns");
    }

    [SkippableFact]
    public async Task Branching_to_a_new_chat_opens_a_copy_up_to_that_message()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me about owls");
        await SendAsync("and about hawks");
        var original = _page.Url;

        await Messages.Nth(1).GetByTestId("branch-new-chat").ClickAsync();
        try
        {
            await _page.WaitForURLAsync(url => url != original && url.Contains("/c/", StringComparison.Ordinal));
        }
        catch (TimeoutException e)
        {
            // This has timed out in CI without a cause found: what the page shows then is the clue.
            var shown = await _page.EvaluateAsync<string>(
                "() => JSON.stringify({ url: location.href, reconnecting: document.getElementById('components-reconnect-modal') !== null, " +
                "snackbar: [...document.querySelectorAll('.mud-snackbar')].map(s => s.textContent), " +
                "branch: [...document.querySelectorAll('[data-testid=branch-new-chat]')].map(b => b.disabled), " +
                "messages: document.querySelectorAll('[data-testid=message]').length })");
            throw new TimeoutException($"No new chat opened after Branch to a new chat; the page: {shown}", e);
        }

        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(Messages.First).ToContainTextAsync("tell me about owls");
        await SendAsync("and about eagles");
        await Expect(Messages.Nth(2)).ToContainTextAsync("and about eagles");
    }

    [SkippableFact]
    public async Task Continue_writes_more_of_a_cut_off_answer_into_the_same_answer_which_a_reload_keeps_whole()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me a story that never ends");
        await Expect(LastAnswer.GetByTestId("cut-off")).ToBeVisibleAsync();
        var cut = await LastAnswer.Locator(".markdown").InnerTextAsync();

        await Expect(LastAnswer.GetByTestId("continue")).ToBeEnabledAsync();
        await LastAnswer.GetByTestId("continue").ClickAsync();

        // The answer was completed before Continue too: its state alone cannot tell the continuation has ended.
        await Expect(LastAnswer.Locator(".markdown")).Not.ToHaveTextAsync(cut);
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
        var continued = await LastAnswer.Locator(".markdown").InnerTextAsync();

        Assert.StartsWith(cut, continued, StringComparison.Ordinal);
        Assert.True(continued.Length > cut.Length + 10, $"\"{cut}\" became \"{continued}\"");
        await Expect(Messages).ToHaveCountAsync(2);
        await _page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(LastAnswer.Locator(".markdown")).ToHaveTextAsync(continued);
        await Expect(LastAnswer.GetByTestId("continue")).ToBeEnabledAsync();
        var stored = (await StoredAsync()).GetProperty("messages");
        Assert.Equal(1, stored[1].GetProperty("siblings").GetInt32());
    }

    [SkippableFact]
    public async Task Searching_the_sidebar_finds_a_word_from_an_old_answer_and_opens_that_conversation()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var id = await _page.ImportAsync(
            ("user", "which animal smiles the most"), ("assistant", $"The {word} of Rottnest Island looks as if it smiles at everyone."));
        await SendAsync("a conversation that holds no such word");

        await _page.GetByTestId("conversation-search").FillAsync(word.ToUpperInvariant());
        await Expect(_page.GetByTestId("search-hit")).ToHaveCountAsync(1);
        await Expect(_page.GetByTestId("search-snippet")).ToContainTextAsync($"{word} of Rottnest Island");
        await _page.GetByTestId("search-hit").ClickAsync();
        await _page.WaitForURLAsync(url => url.EndsWith($"/c/{id}", StringComparison.Ordinal));
        await Expect(LastAnswer).ToContainTextAsync($"The {word} of Rottnest Island");

        await _page.GetByTestId("conversation-search").FillAsync(word + " volcano");
        await Expect(_page.GetByTestId("search-empty")).ToBeVisibleAsync();
        await _page.GetByTestId("conversation-search").FillAsync(string.Empty);
        await Expect(_page.GetByTestId("search-hit")).ToHaveCountAsync(0);
        await Expect(_page.GetByTestId("conversation-item").First).ToBeVisibleAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>
    /// Passes the page's socket through, except that what the server sends from the first frame holding
    /// <paramref name="marker"/> on arrives <paramref name="delay"/> late, in order, as over a slow link.
    /// </summary>
    private static void DelayFromFirstFrameHolding(IWebSocketRoute page, string marker, TimeSpan delay)
    {
        var server = page.ConnectToServer();
        page.OnMessage(frame => Forward(frame, server));
        var toPage = Channel.CreateUnbounded<IWebSocketFrame>();
        server.OnMessage(frame => toPage.Writer.TryWrite(frame));
        _ = Task.Run(async () =>
        {
            var held = false;
            await foreach (var frame in toPage.Reader.ReadAllAsync())
            {
                if (!held && (frame.Text ?? System.Text.Encoding.UTF8.GetString(frame.Binary!)).Contains(marker, StringComparison.Ordinal))
                {
                    held = true;
                    await Task.Delay(delay);
                }

                Forward(frame, page);
            }
        });
    }

    private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
    {
        if (frame.Binary is { } bytes)
        {
            to.Send(bytes);
        }
        else
        {
            to.Send(frame.Text!);
        }
    }

    private async Task RegenerateAsync()
    {
        await Expect(LastAnswer.GetByTestId("regenerate")).ToBeEnabledAsync();
        await LastAnswer.GetByTestId("regenerate").ClickAsync();
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
    }

    /// <summary>Types and presses Enter at once, as a person does, then waits for the answer to end.</summary>
    private async Task SendAsync(string text)
    {
        int before = await Messages.CountAsync();
        await _page.GetByTestId("chat-input").FillAsync(text);
        await _page.GetByTestId("chat-input").PressAsync("Enter");
        await Expect(Messages).ToHaveCountAsync(before + 2);
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
    }

    private async Task WaitForCircuitAsync()
    {
        await _page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Expect(_page.GetByTestId("chat-input")).ToBeEnabledAsync();
    }

    private async Task<JsonElement> StoredAsync()
    {
        var id = new Uri(_page.Url).Segments[^1];
        var response = await _page.APIRequest.GetAsync($"/api/conversations/{id}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement;
    }
}
