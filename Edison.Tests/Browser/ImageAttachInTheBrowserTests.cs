using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// A person attaches a photo with the page's attach button and asks about it: the image goes through the model's real
/// projector, the answer arrives, and the question shows the photo.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImageAttachInTheBrowserTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task A_photo_attached_with_the_button_is_sent_seen_by_the_projector_and_shown_with_the_question()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var edison = new EdisonFactory(TestModels.Endless, contextSize: 1024, settings: new Dictionary<string, string?>
        {
            ["Edison:Model:MultimodalProjectorPath"] = TestModels.Projector,
        });
        var address = (await edison.StartOnSocketAsync()).BaseAddress!.ToString().TrimEnd('/');
        await using var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("/");
        await page.EvaluateAsync("s => localStorage.setItem('edison_settings', s)", JsonSerializer.Serialize(new { streamResponses = true, maxTokens = 12 }));
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Assertions.Expect(page.GetByTestId("attach")).ToBeEnabledAsync();

        // A file that only starts like a PNG passes the page's check and reaches the projector, which cannot decode it.
        // It is large and sent at once, before the browser has finished handing it over: it still goes with the message.
        byte[] broken = [.. TestImages.Png(40, 30, (0, 0, 0)).Take(16), .. new byte[3 << 20]];
        await page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "broken.png", MimeType = "image/png", Buffer = broken });
        await page.GetByTestId("chat-input").FillAsync("and this one?");
        await page.GetByTestId("send").ClickAsync();
        var failed = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(failed).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(failed).ToContainTextAsync("could not be decoded");

        await page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload
        {
            Name = "sunset.png",
            MimeType = "image/png",
            Buffer = TestImages.Png(40, 30, (250, 120, 30)),
        });
        await Assertions.Expect(page.GetByTestId("attachment")).ToContainTextAsync("sunset.png");
        await page.GetByTestId("chat-input").FillAsync("what is in this photo?");
        await page.GetByTestId("send").ClickAsync();

        var answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "completed");
        Assert.StartsWith("and on and on", await answer.InnerTextAsync());
        var question = page.Locator("[data-testid=message][data-role=user]").Last;
        var photo = question.GetByTestId("attached-image");
        await Assertions.Expect(photo).ToBeVisibleAsync();
        Assert.Equal(40, await photo.EvaluateAsync<int>("img => img.naturalWidth"));
        await Assertions.Expect(page.GetByTestId("attachment")).ToHaveCountAsync(0);
    }
}
