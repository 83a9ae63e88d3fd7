using Bunit;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>Attaching images in the page: checked as the pipeline checks them, sent with the message, refused by a model that cannot see.</summary>
public sealed class ImageAttachTests : ChatPageContext
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
    private static readonly ChatLimits Limits = new() { MaxImages = 2, MaxImageBytes = 1024 };

    [Fact]
    public void With_a_model_that_cannot_see_the_attach_button_is_disabled_and_says_why()
    {
        var page = Render<Chat>();

        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        Assert.True(page.Find("[data-testid=attach]").HasAttribute("disabled"));
        Assert.Contains("cannot see images", page.FindComponent<MudBlazor.MudTooltip>().Instance.Text);
    }

    [Fact]
    public async Task Picked_images_are_checked_listed_and_sent_with_the_message()
    {
        OutgoingMessage? sent = null;
        var input = Render<ChatInput>(p => p
            .Add(c => c.CanSeeImages, true)
            .Add(c => c.Limits, Limits)
            .Add(c => c.OnSend, m =>
            {
                sent = m;
                return Task.FromResult<string?>(null);
            }));

        input.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(Png, "cat.png", contentType: "image/png"),
            InputFileContent.CreateFromText("just text", "notes.png", contentType: "image/png"));
        input.WaitForAssertion(() => Assert.Single(input.FindAll("[data-testid=attachment]")));
        Assert.Contains("cat.png", input.Find("[data-testid=attachment]").TextContent);
        Assert.Contains("\"notes.png\" is not a PNG, JPEG or WebP image", input.Find("[data-testid=attach-error]").TextContent);

        input.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[2048], "huge.png", contentType: "image/png"));
        input.WaitForAssertion(() => Assert.Contains("huge.png is larger than", input.Find("[data-testid=attach-error]").TextContent));

        await input.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "what is this?" });
        await input.Find("[data-testid=send]").ClickAsync(new());

        Assert.NotNull(sent);
        Assert.Equal("what is this?", sent.Text);
        Assert.Equal([$"data:image/png;base64,{Convert.ToBase64String(Png)}"], sent.Images);
        Assert.Empty(input.FindAll("[data-testid=attachment]"));
    }

    [Fact]
    public async Task An_image_sent_to_a_model_that_cannot_see_is_refused_with_the_reason_before_anything_is_sent()
    {
        var session = Services.GetRequiredService<ChatSession>();

        var refusal = await session.SendAsync("what is this?", new ChatSettings(), [$"data:image/png;base64,{Convert.ToBase64String(Png)}"]);

        Assert.Contains("cannot see images", refusal);
        Assert.Empty(session.Messages);
        Assert.Empty(Engine.Requests);
    }

    [Fact]
    public async Task A_stored_question_opened_again_shows_the_images_it_was_sent_with()
    {
        var id = Guid.NewGuid();
        var photo = $"data:image/png;base64,{Convert.ToBase64String(Png)}";
        await Services.GetRequiredService<IConversationStore>().AppendExchangeAsync(
            id, new AskedQuestion("what is this?", [photo]), "A robin.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);

        var page = Render<Chat>(p => p.Add(c => c.ConversationId, id));

        page.WaitForAssertion(() => Assert.Equal(photo, page.Find("[data-testid=attached-image]").GetAttribute("src")));
        Assert.Single(page.FindAll("[data-testid=attached-image]"));
    }

    [Fact]
    public void A_question_shows_the_images_sent_with_it()
    {
        var question = new ChatBubble(ChatTurn.User, "what is this?", images: [$"data:image/png;base64,{Convert.ToBase64String(Png)}"]);

        var item = Render<ChatMessageItem>(p => p.Add(c => c.Message, question));

        Assert.StartsWith("data:image/png;base64,", item.Find("[data-testid=attached-image]").GetAttribute("src"));
        Assert.Contains("what is this?", item.Find(".user-text").TextContent);
    }
}
