using Bunit;
using Edison.Core.Inference.Models;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

public sealed class ModelLoadingPageTests : ChatPageContext
{
    protected override bool LoadModel => false;

    [Fact]
    public async Task While_the_model_loads_the_page_says_so_and_the_input_waits_then_opens()
    {
        var page = Render<Chat>();

        Assert.Contains("model is loading", page.Find("[data-testid=model-banner]").TextContent);
        Assert.True(page.Find("[data-testid=chat-input]").HasAttribute("disabled"));

        var models = Services.GetRequiredService<ModelHost>();
        models.StartLoading(CancellationToken.None);
        await models.WhenReadyAsync(CancellationToken.None);

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=model-banner]"));
            Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled"));
        });
    }
}
