using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>The page on a phone-sized screen, in real Chromium: room to type, targets a finger can hit, in the answers and the sidebar too.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneInTheBrowserTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task The_send_button_is_an_icon_the_box_has_the_width_and_every_action_is_big_enough_to_tap()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress,
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await context.NewPageAsync();
        var id = await page.ImportAsync(("user", "a question"), ("assistant", "an answer:\n\n```python\nprint(1)\n```"));

        await page.GotoAsync($"/c/{id}");
        await Assertions.Expect(page.Locator(".chat-root[data-enhanced=true]")).ToHaveCountAsync(1);
        await page.GetByTestId("chat-input").FillAsync("typed on a phone");

        var send = await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).BoundingBoxAsync();
        var box = await page.GetByTestId("chat-input").BoundingBoxAsync();
        Assert.True(send!.Width <= 56, $"the send button is an icon ({send.Width} px wide)");
        Assert.True(send.Height >= 40, $"and big enough to tap ({send.Height} px high)");
        Assert.True(box!.Width >= 250, $"the box has the width ({box.Width} px of 390)");

        await page.GetByRole(AriaRole.Button, new() { Name = "Conversations" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rename-conversation").First).ToBeVisibleAsync();
        var small = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll(
                    '.message-actions button, .chat-input-row button, .chat-input-row label, .copy-code, .mud-drawer button, .mud-drawer a, .mud-drawer label')]
                .map(e => [e, e.getBoundingClientRect()])
                .filter(([, r]) => r.width > 0 && (r.width < 40 || r.height < 40))
                .map(([e, r]) => `${e.getAttribute('aria-label') ?? e.dataset.testid} ${Math.round(r.width)}x${Math.round(r.height)}`)
            """);
        Assert.Empty(small);

        // The list covers the page: Escape closes it, as on a desktop a dialog.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("rename-conversation").First).Not.ToBeInViewportAsync();
    }
}
