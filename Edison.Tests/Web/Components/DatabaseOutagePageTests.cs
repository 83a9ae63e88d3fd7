using Bunit;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>The page sending while the database does not answer: the circuit lives on and the message stays in the box.</summary>
public sealed class DatabaseOutagePageTests : ChatPageContext
{
    private ControlledConversationStore _database = null!;

    public DatabaseOutagePageTests()
    {
        Services.AddSingleton(sp => ControlledConversationStore.Wrap(ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp), out _database));
    }

    [Fact]
    public async Task A_message_sent_while_the_database_is_unreachable_stays_in_the_box_with_the_reason()
    {
        var page = Render<Chat>();
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new ChangeEventArgs { Value = "Remember my cat Tom" });
        _database.Down = true;

        await page.Find("[data-testid=send]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("cannot reach its database", page.Find("[data-testid=input-refused]").TextContent));
        Assert.Equal("Remember my cat Tom", page.Find("[data-testid=chat-input]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid=message]"));
        Assert.Empty(Engine.Requests);
    }
}
